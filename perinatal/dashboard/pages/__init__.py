"""The Maternity and Neonatal Performance Dashboard's pages (issue 4 item 4; issue 5 item 4)."""
