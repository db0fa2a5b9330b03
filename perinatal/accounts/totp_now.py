"""Print the current TOTP code for an otpauth:// URI (demo convenience, no Django needed).

python -m perinatal.accounts.totp_now 'otpauth://totp/...?secret=ABC...'
"""

from __future__ import annotations

import hmac
import struct
import sys
import time
from base64 import b32decode
from urllib.parse import parse_qs, urlparse


def totp(secret_b32: str, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    key = b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), "sha1").digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    secret = parse_qs(urlparse(argv[0]).query)["secret"][0]
    print(totp(secret))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
