"""The organisation register's pages (register, organisation, trust, onboarding schedule).

They sit in the web shell, not in `perinatal.organisations`, because who may see and change
what is `perinatal.accounts`' knowledge, which sits above the register.
"""
