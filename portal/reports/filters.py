"""What a report is narrowed to, and the periods it can be narrowed to."""

from dataclasses import asdict, dataclass
from datetime import date
from typing import NamedTuple


class FinancialYear(NamedTuple):
    """1 April to 31 March, the year councils and the workforce board plan by."""

    code: str  # "2025-26"
    first_day: date
    last_day: date

    @property
    def label(self) -> str:
        return f"April {self.first_day.year} to March {self.last_day.year}"


def financial_year(code: str) -> FinancialYear:
    start = int(code[:4])
    return FinancialYear(code, date(start, 4, 1), date(start + 1, 3, 31))


def financial_year_of(day: date) -> FinancialYear:
    start = day.year if day.month >= 4 else day.year - 1
    return financial_year(f"{start}-{(start + 1) % 100:02d}")


def financial_years(earliest: date, today: date) -> list[FinancialYear]:
    """Every financial year from the one holding `earliest` to this one, newest first."""
    first, last = financial_year_of(earliest), financial_year_of(today)
    return [financial_year(f"{year}-{(year + 1) % 100:02d}")
            for year in range(last.first_day.year, first.first_day.year - 1, -1)]


@dataclass(frozen=True)
class Filters:
    programme_id: int | None = None
    cohort_id: int | None = None
    entry_route: str | None = None
    team_id: int | None = None
    period: str | None = None  # a financial year's code

    @property
    def year(self) -> FinancialYear | None:
        return financial_year(self.period) if self.period else None

    def query_args(self) -> dict[str, str]:
        """The filters as the address carries them (the filter form's field names)."""
        return {ADDRESS_NAMES[name]: str(value) for name, value in asdict(self).items()
                if value is not None}


ADDRESS_NAMES = {"programme_id": "programme", "cohort_id": "cohort",
                 "entry_route": "entry_route", "team_id": "team", "period": "period"}
