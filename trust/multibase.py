"""Base58btc, multibase ``z`` text and Ed25519 Multikeys (``z6Mk…``) as Data Integrity uses them."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from trust.errors import EncodingError

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BASE58BTC_PREFIX = "z"
ED25519_PUBLIC_CODEC = b"\xed\x01"  # multicodec ed25519-pub (0xed) as an unsigned varint
ED25519_SECRET_CODEC = b"\x80\x26"  # multicodec ed25519-priv (0x1300) as an unsigned varint
ED25519_KEY_SIZE = 32

_DIGIT = {char: value for value, char in enumerate(BASE58_ALPHABET)}


def b58encode(data: bytes) -> str:
    """Encode bytes in base58btc (Bitcoin alphabet); each leading zero byte becomes ``1``."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    digits: list[str] = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(BASE58_ALPHABET[remainder])
    return "1" * zeros + "".join(reversed(digits))


def b58decode(text: str) -> bytes:
    """Decode base58btc text; raise EncodingError on any character outside the alphabet."""
    number = 0
    for position, char in enumerate(text):
        digit = _DIGIT.get(char)
        if digit is None:
            raise EncodingError(
                f"{char!r} at position {position} is not a base58btc digit", position=position
            )
        number = number * 58 + digit
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * zeros + body


def multibase_encode(data: bytes) -> str:
    """Encode bytes as multibase base58btc: ``z`` followed by the base58btc digits."""
    return BASE58BTC_PREFIX + b58encode(data)


def multibase_decode(text: str) -> bytes:
    """Decode multibase text; only the base58btc (``z``) base is accepted."""
    if not text.startswith(BASE58BTC_PREFIX):
        raise EncodingError("multibase value does not use the base58btc ('z') prefix")
    return b58decode(text[len(BASE58BTC_PREFIX) :])


def encode_public_key(key: Ed25519PublicKey) -> str:
    """Return the Multikey ``publicKeyMultibase`` of an Ed25519 public key (``z6Mk…``)."""
    return multibase_encode(ED25519_PUBLIC_CODEC + key.public_bytes_raw())


def decode_public_key(text: str) -> Ed25519PublicKey:
    """Read an Ed25519 Multikey public key; any other codec or length is refused."""
    raw = _unwrap(text, ED25519_PUBLIC_CODEC, "Ed25519 public key (0xed01)")
    return Ed25519PublicKey.from_public_bytes(raw)


def encode_private_key(key: Ed25519PrivateKey) -> str:
    """Return the Multikey ``secretKeyMultibase`` of an Ed25519 private key (its 32-byte seed)."""
    return multibase_encode(ED25519_SECRET_CODEC + key.private_bytes_raw())


def decode_private_key(text: str) -> Ed25519PrivateKey:
    """Read an Ed25519 Multikey secret key (multicodec 0x1300 and a 32-byte seed)."""
    raw = _unwrap(text, ED25519_SECRET_CODEC, "Ed25519 secret key (0x1300)")
    return Ed25519PrivateKey.from_private_bytes(raw)


def _unwrap(text: str, codec: bytes, what: str) -> bytes:
    data = multibase_decode(text)
    if not data.startswith(codec):
        raise EncodingError(f"Multikey value is not an {what}", prefix=data[:2].hex())
    raw = data[len(codec) :]
    if len(raw) != ED25519_KEY_SIZE:
        raise EncodingError(
            f"{what} must be {ED25519_KEY_SIZE} bytes, not {len(raw)}", length=len(raw)
        )
    return raw
