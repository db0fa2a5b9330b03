def csp_nonce(request):
    """The nonce for the NHS.UK page template's inline script (django-csp adds it to the header).

    django-csp's lazy nonce is falsy until read, so it is read here as a string.
    """
    nonce = getattr(request, "csp_nonce", None)
    return {"cspNonce": str(nonce) if nonce is not None else None}
