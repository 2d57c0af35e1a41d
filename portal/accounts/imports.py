"""Importing users from a CSV file: every row is checked first; nothing half-imported."""

import csv
import io
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from portal.accounts.invitations import invite
from portal.accounts.models import User
from portal.accounts.operations import AccountError, UserDetails, create_user, normalise_email
from portal.accounts.roles import COUNCIL_ROLES, Role
from portal.core import audit
from portal.core.db import db
from portal.core.forms import has_nul
from portal.organisations.models import Team

REQUIRED_COLUMNS = ("name", "email", "roles")
MAX_ROWS = 5000


@dataclass
class RowError:
    line: int
    message: str


@dataclass
class ImportResult:
    created: list[User] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _read_rows(raw: bytes) -> tuple[list[dict], list[RowError]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [RowError(0, "The file must be a CSV saved as UTF-8")]
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    if missing:
        message = "The first row must name the columns: missing " + ", ".join(missing)
        return [], [RowError(1, message)]
    reader.fieldnames = headers
    rows = []
    try:
        for row in reader:
            rows.append({k: (v or "").strip() for k, v in row.items() if k})
            if len(rows) > MAX_ROWS:
                return [], [RowError(0, f"A file can hold at most {MAX_ROWS} people")]
    except csv.Error as error:
        return [], [RowError(reader.line_num, f"The file is not a readable CSV ({error})")]
    if not rows:
        return [], [RowError(0, "The file has no people in it")]
    return rows, []


def _parse_roles(text: str) -> set[Role]:
    roles = {Role.parse(part) for part in text.replace(",", ";").split(";") if part.strip()}
    if not roles <= set(COUNCIL_ROLES):
        raise ValueError("A council cannot give the service administrator role")
    return roles


def _row_details(row: dict, teams: dict[str, int], seen: set[str]) -> UserDetails:
    nul_columns = [column for column, value in row.items() if has_nul(value)]
    if nul_columns:
        # PostgreSQL cannot store it; said here, the row is named instead of a server error.
        raise ValueError(f"{', '.join(nul_columns)} has a hidden null character: remove it")
    name = row.get("name", "")
    if not name:
        raise ValueError("name is missing")
    if len(name) > 200:
        raise ValueError("name must be 200 characters or fewer")
    try:
        email = validate_email(row.get("email", ""), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValueError(f"email is not valid ({error})") from error
    email = normalise_email(email)
    if email in seen:
        raise ValueError(f"{email} appears more than once in the file")
    seen.add(email)
    roles = _parse_roles(row.get("roles", ""))
    if not roles:
        raise ValueError("roles is empty")
    team_name = row.get("team", "")
    team_id = None
    if team_name:
        team_id = teams.get(team_name.lower())
        if team_id is None:
            raise ValueError(f"team '{team_name}' does not exist in your organisation")
    return UserDetails(name=name, email=email, roles=roles, team_id=team_id)


def import_users(actor: User, raw: bytes) -> ImportResult:
    """Check every row; create all the users only if every row is good."""
    rows, errors = _read_rows(raw)
    if errors:
        return ImportResult(errors=errors)
    my_teams = select(Team).where(Team.organisation_id == actor.organisation_id)
    teams = {t.name.lower(): t.id for t in db.session.scalars(my_teams)}
    seen: set[str] = set()
    parsed: list[tuple[int, UserDetails]] = []
    for line, row in enumerate(rows, start=2):
        try:
            parsed.append((line, _row_details(row, teams, seen)))
        except ValueError as error:
            errors.append(RowError(line, str(error)))
    # Compare the addresses as they will be stored (normalised), not as typed.
    existing = set(db.session.scalars(select(User.email).where(
        User.email.in_([d.email for _, d in parsed]))))
    errors.extend(RowError(line, f"{d.email} already has an account")
                  for line, d in parsed if d.email in existing)
    if errors:
        return ImportResult(errors=sorted(errors, key=lambda e: e.line))
    created = []
    for line, row_details in parsed:
        try:
            created.append(create_user(actor, row_details))
            invite(actor, created[-1])
        except AccountError as error:
            return ImportResult(errors=[RowError(line, str(error))])
    audit.record(actor, "users_imported", actor.organisation, count=len(created))
    return ImportResult(created=created)
