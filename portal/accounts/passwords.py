"""Password hashing (argon2id) and the rules for a new password."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the email is unknown, so both paths take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password-but-a-timing-equaliser")

MIN_LENGTH = 12
MAX_LENGTH = 256
# zxcvbn's score from 0 to 4; 3 is "safely unguessable", the least we accept.
MIN_STRENGTH = 3
# zxcvbn's cost grows quickly with length; the start of a long password decides its score.
STRENGTH_CHECKED_LENGTH = 72  # zxcvbn refuses longer ones
# Passwords printed in our own README and docs (the demo's and the benchmark's): anyone can
# read them, so nobody may choose them.
DEMO_PASSWORD = "portal-demo-2026"  # noqa: S105 (published in the README on purpose)
PUBLISHED_PASSWORDS = frozenset({DEMO_PASSWORD, "bench-portal-2026"})


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches; spends the same effort when there is no hash."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """Plain-language reason a new password is not acceptable, or None.

    Besides the length, zxcvbn (Dropbox's estimator, with its lists of common passwords,
    names and words) judges how guessable the password is, knowing the person's email
    address and name: "aaaaaaaaaaaa", "password1234" or "amara.okafor" are refused.
    """
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    if password in PUBLISHED_PASSWORDS:
        return "Password must not be one published in the portal's instructions"
    mailbox = email.split("@")[0].lower()
    if len(mailbox) > 3 and mailbox in password.lower():
        return "Password must not contain your email address"
    personal = [mailbox, *name.lower().split(), *email.lower().replace("@", ".").split(".")]
    strength = zxcvbn(password[:STRENGTH_CHECKED_LENGTH],
                      user_inputs=[word for word in personal if len(word) > 2])
    if strength["score"] < MIN_STRENGTH:
        return ("Password is too easy to guess. Try three or more random words, "
                "like ‘kettle orbit meadow’")
    return None
