from typing import Literal

LedgerEntryKind = Literal["debit", "grant", "refund", "topup", "usage"]

LEDGER_ENTRY_KIND_VALUES: set[LedgerEntryKind] = {
    "debit",
    "grant",
    "refund",
    "topup",
    "usage",
}


def check_ledger_entry_kind(value: str) -> LedgerEntryKind:
    if value in LEDGER_ENTRY_KIND_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {LEDGER_ENTRY_KIND_VALUES!r}")
