"""`footprints backup`: CHECKPOINT, then a copy through a temp file and a rename."""

from __future__ import annotations

from pathlib import Path

from tasks.core.settings import Settings
from tasks.load.warehouse import WarehouseLockedError, backup, open_warehouse
from tasks.ops.raw_area import MaintenanceError


def backup_warehouse(settings: Settings, out: Path) -> Path:
    """CHECKPOINT, then copy via a temp file and a rename; refuses while another process writes."""
    db = Path(settings.warehouse).absolute()
    out = Path(out).absolute()
    if out == db:
        raise MaintenanceError(f"the backup {out} would overwrite the warehouse itself")
    if Path(f"{out}.wal").exists():
        raise MaintenanceError(
            f"{out}.wal exists: {out} looks like a live warehouse; choose another --out"
        )
    if not db.exists():
        raise MaintenanceError(f"warehouse {db} does not exist: nothing to back up")
    try:
        with open_warehouse(db, settings=settings) as con:
            return backup(con, db, out)
    except WarehouseLockedError as err:
        raise MaintenanceError(f"refusing to back up while a refresh writes: {err}") from None
