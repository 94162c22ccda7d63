"""The core service API: every operation the window and the command line perform.

Each public method is one short unit of work (one session, one transaction) and
returns plain dataclasses from ``domain`` plus a ``Changes`` value describing
what changed, so each view refreshes only its part. Validation happens before
anything is written: bad input raises ``InputError`` and changes nothing.

No stale write: the item writes take the row versions the caller read
(``versions``/``version``, from ``ItemView.version``) and the timer actions the
item whose timer the caller saw running (``running``); when the database says
otherwise, inside the same write transaction, they raise ``StaleItemError`` and
write nothing. The command line passes none of these and is never refused so.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import fields, replace
from datetime import datetime, timedelta, tzinfo
from typing import Any, TypeVar

from sqlalchemy import Engine, delete, func, insert, literal, select
from sqlalchemy.orm import Session, sessionmaker

from prioritizer.domain import rules
from prioritizer.domain.clock import local_tz, utcnow

# Re-exported: callers import them from here too.
from prioritizer.domain.drafts import MAX_NAME as MAX_NAME
from prioritizer.domain.drafts import MAX_NOTES as MAX_NOTES
from prioritizer.domain.drafts import MAX_TITLE as MAX_TITLE
from prioritizer.domain.drafts import ImportOutcome as ImportOutcome
from prioritizer.domain.drafts import ImportRecord as ImportRecord
from prioritizer.domain.drafts import ItemDraft as ItemDraft
from prioritizer.domain.drafts import Result as Result
from prioritizer.domain.drafts import clean_text
from prioritizer.domain.drafts import validate as validate
from prioritizer.domain.values import (
    UNCHECKED,
    Actor,
    Changes,
    EntrySource,
    Importance,
    IncidentSummary,
    InputError,
    ItemView,
    Kind,
    Policy,
    Quadrant,
    StaleItemError,
    Status,
    TimeEntryView,
    TriageAction,
    TriageEvent,
    Unchecked,
    check_instant,
)
from prioritizer.safety.backup import pre_migration_hook
from prioritizer.safety.damage import raise_if_damaged, refusal
from prioritizer.safety.health import check_before_opening, is_malformed
from prioritizer.storage.engine import READ_ONLY, make_engine, migrate, resolve_location, sqlite_path, storage_errors
from prioritizer.storage.ordering import ORDERED_OPEN_SQL
from prioritizer.storage.readmodel import facts_of, item_views, minutes_spent, policy_settings, read_policy
from prioritizer.storage.schema import Incident, Item, Setting, TimeEntry, TriageLog, UTCDateTime
from prioritizer.text.humanize import minutes_text

T = TypeVar("T")

_INSERT_BATCH = 10_000  # rows per bulk INSERT of an import: bounds the parameter lists held at once
_DRAFT_FIELDS = fields(ItemDraft)
_STATUSES = {s.value: s for s in Status}
_QUADRANTS = {q.value: q for q in Quadrant}




def _entry_view(entry: TimeEntry) -> TimeEntryView:
    return TimeEntryView(
        id=entry.id,
        item_id=entry.item_id,
        start=entry.start,
        end=entry.end,
        quadrant=Quadrant(entry.quadrant),
        source=EntrySource(entry.source),
        note=entry.note,
    )


def _versions(items: Sequence[Item]) -> dict[int, int]:
    """The row version each written item has now (read after its unit committed)."""
    return {item.id: item.version for item in items}




class Service:
    """Every operation on one database, each in its own short transaction.

    Attributes:
        engine: the SQLAlchemy engine.
        clock: returns the current aware UTC instant (fixed by ``--now``).
        tz: the local zone used for days, weeks and relative dates.
    """

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utcnow, tz: tzinfo | None = None) -> None:
        self.engine = engine
        self.clock = clock
        self.tz = tz or local_tz()
        self.path = sqlite_path(engine.url.database) if engine.dialect.name == "sqlite" and engine.url.database else None
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)

    @classmethod
    def open(
        cls,
        location: str | None = None,
        now: datetime | None = None,
        tz: tzinfo | None = None,
        *,
        deep_check: bool = True,
        create: bool = True,
    ) -> Service:
        """Open (creating or migrating) the database at a location.

        Data safety (safety/health.py, safety/backup.py), in this order: the health check
        of an existing file, before any connection exists (a damaged file raises
        DatabaseDamagedError naming the newest good backup, another application's file
        ForeignDatabaseError: ``damage.refusal``); the engine (a missing file is created
        only when ``create``); a verified backup before any migration (no backup, no
        migration); the migration.
        ``deep_check=False`` leaves out the page check (the window runs it after its
        first paint); SQLite meeting a damaged page while opening still raises
        DatabaseDamagedError. The automatic backup is not taken here: the command
        line takes it after a command that wrote, the window after its first paint.
        """
        resolved = resolve_location(location)
        path = sqlite_path(resolved)
        if path is not None and path.is_file():
            health = check_before_opening(path, pages=deep_check)
            if health is not None:
                raise refusal(resolved, health)
        with storage_errors(path):
            engine = make_engine(resolved, create=create)
            try:
                migrate(engine, before_migration=pre_migration_hook(resolved))
            except Exception as exc:
                engine.dispose()  # every connection closed before the check reads the file
                if path is not None and path.exists() and is_malformed(exc):
                    raise_if_damaged(resolved, path)  # DatabaseDamagedError with the newest good backup
                raise
        clock = (lambda: now) if now is not None else utcnow
        return cls(engine, clock, tz)

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    def now(self) -> datetime:
        """The current instant as this service sees it."""
        return self.clock()

    @contextmanager
    def unit(self) -> Iterator[Session]:
        """One unit of work: a session in one transaction, committed on success.

        Feature modules (balance, review, import...) use it for their own queries.
        """
        # storage_errors: disk full / I/O errors become one plain StorageError (data safety).
        with storage_errors(self.path), self._sessions.begin() as session:
            yield session

    @contextmanager
    def read_unit(self) -> Iterator[Session]:
        """A read-only unit of work: a deferred transaction that never takes the write lock."""
        with storage_errors(self.path), self._read_sessions.begin() as session:
            yield session

    # ----------------------------------------------------------------- policy
    def policy(self) -> Policy:
        """The placement and accounting policy stored with the data."""
        with self.read_unit() as session:
            return self.policy_in(session)

    def policy_in(self, session: Session) -> Policy:
        """The policy, read inside an existing unit of work (what is stored or flushed)."""
        return read_policy(session.connection())

    def set_policy(self, policy: Policy) -> Result[Policy]:
        """Store a new policy and re-place every open item under it."""
        if policy.urgency_horizon <= timedelta(0):
            raise InputError("the urgency horizon must be longer than zero")
        if not 0 <= policy.proactive_target <= 1:
            raise InputError("the proactive target is a share between 0 and 1 (e.g. 0.3 for 30 %)")
        if not 0 <= policy.work_start_minute < policy.work_end_minute <= 24 * 60:
            raise InputError("the working day must start before it ends, within one day")
        if not policy.work_days or any(not 1 <= d <= 7 for d in policy.work_days):
            raise InputError("working days are ISO weekdays 1 (Monday) to 7 (Sunday)")
        if policy.forgotten_timer <= timedelta(0):
            raise InputError("the forgotten-timer limit must be longer than zero")
        now = self.now()
        with self.unit() as session:
            for key, value in policy_settings(policy).items():
                session.merge(Setting(key=key, value=value))
            session.flush()
            changed: set[int] = set()
            for item in session.scalars(select(Item).where(Item.status == Status.OPEN.value)):
                if self._replace(session, item, now, policy, Actor.RULES, "policy changed"):
                    changed.add(item.id)
        return Result(policy, Changes(items=frozenset(changed), policy=True))

    # ---------------------------------------------------------- placement cache
    def _replace(
        self, session: Session, item: Item, now: datetime, policy: Policy, actor: Actor, note: str, action: TriageAction | None = None
    ) -> bool:
        """Re-place an item at ``now``; log (with the user's ``action``) and split time if its quadrant changed."""
        placement = rules.place(facts_of(item), now, policy)
        old = item.quadrant
        changed = placement.quadrant.value != old
        if changed:
            self._log(session, item, now, old, placement.quadrant, actor, note, action)
        item.quadrant = placement.quadrant.value
        item.urgent = placement.urgent
        item.important = placement.important
        item.placed_at = now
        item.changes_at = placement.changes_at
        return changed

    def _log(
        self,
        session: Session,
        item: Item,
        at: datetime,
        old: str | None,
        new: Quadrant,
        actor: Actor,
        note: str,
        action: TriageAction | None,
    ) -> None:
        session.add(
            TriageLog(
                item_id=item.id,
                at=at,
                from_quadrant=old,
                to_quadrant=new.value,
                actor=actor.value,
                note=note,
                action=action.value if action is not None else None,
            )
        )
        running = session.scalar(select(TimeEntry).where(TimeEntry.item_id == item.id, TimeEntry.end.is_(None)))
        if running is not None and running.quadrant != new.value:
            session.info["time_changed"] = True  # tells the caller's Changes that time moved
            # Attribution: time before the change stays in the old quadrant.
            if at > running.start:
                running.end = at
                session.add(TimeEntry(item_id=item.id, start=at, end=None, quadrant=new.value, source=running.source, note=running.note))
            else:
                running.quadrant = new.value

    def refresh(self) -> Result[list[int]]:
        """Apply every placement change that became due by now; log each at its moment.

        Returns the ids whose quadrant changed (the window announces them).
        """
        now = self.now()
        moved: list[int] = []
        touched: set[int] = set()
        with self.read_unit() as session:
            if not self._refresh_pending(session, now):
                return Result(moved, Changes())  # the common case: one cheap read, no write lock
        with self.unit() as session:
            policy = self.policy_in(session)
            due_items = session.scalars(
                select(Item).where(Item.status == Status.OPEN.value, Item.changes_at.is_not(None), Item.changes_at <= now)
            ).all()
            for item in due_items:
                was = item.quadrant
                # Walk through each change moment so the log says exactly when it happened.
                while item.changes_at is not None and item.changes_at <= now:
                    at = item.changes_at
                    self._replace(session, item, at, policy, Actor.RULES, "deadline entered the urgency horizon")
                    if item.changes_at is not None and item.changes_at <= at:
                        break  # defensive: never loop on a non-advancing rule
                touched.add(item.id)
                if item.quadrant != was:
                    moved.append(item.id)
            self._materialize_meetings(session, now)
        return Result(moved, Changes(items=frozenset(touched)))

    @staticmethod
    def _uncounted_meetings(now: datetime) -> Any:
        """Ended meetings whose span is not yet time spent."""
        has_entry = select(TimeEntry.id).where(TimeEntry.item_id == Item.id).exists()
        return select(Item).where(
            Item.kind == Kind.MEETING.value,
            Item.end.is_not(None),
            Item.end <= now,
            Item.skipped.is_(False),
            Item.status != Status.DROPPED.value,
            ~has_entry,
        )

    def _refresh_pending(self, session: Session, now: datetime) -> bool:
        """Whether refresh has anything to do: a placement change or a meeting to count."""
        due = select(Item.id).where(Item.status == Status.OPEN.value, Item.changes_at <= now).limit(1)
        if session.scalar(due) is not None:
            return True
        return session.scalar(self._uncounted_meetings(now).with_only_columns(Item.id).limit(1)) is not None

    def _materialize_meetings(self, session: Session, now: datetime) -> None:
        """An ended meeting counts its scheduled span as time spent (once)."""
        ended = session.scalars(self._uncounted_meetings(now)).all()
        for item in ended:
            assert item.start is not None and item.end is not None
            for start, end, quadrant in self._segments(session, item, item.start, item.end):
                session.add(TimeEntry(item_id=item.id, start=start, end=end, quadrant=quadrant, source=EntrySource.MEETING.value))

    def next_change(self) -> datetime | None:
        """The earliest moment an open item's placement changes by itself."""
        with self.read_unit() as session:
            return session.scalar(select(func.min(Item.changes_at)).where(Item.status == Status.OPEN.value))

    # ------------------------------------------------------------------ reads
    def list_items(
        self,
        quadrant: Quadrant | None = None,
        include_closed: bool = False,
        ids: Sequence[int] | None = None,
        *,
        refresh: bool = True,
    ) -> list[ItemView]:
        """Items with their placements, ordered by quadrant then how pressing they are.

        ``refresh=False`` skips applying due placement changes first (the window
        does that itself at the moments they are due).
        """
        if refresh:
            self.refresh()
        now = self.now()
        with self.read_unit() as session:
            connection = session.connection()
            return item_views(connection, now, read_policy(connection), quadrant=quadrant, include_closed=include_closed, ids=ids)

    def ordered_open_ids(self) -> list[tuple[int, Quadrant]]:
        """Open items placed and ordered from the placement cache, in SQL (the fast path).

        ``refresh`` first applies every placement change that became due, so the
        cached quadrant is the rules' answer for now; the order matches ``rules.rank``.
        """
        return self._ordered_open_ids(check=True)

    def _ordered_open_ids(self, *, check: bool) -> list[tuple[int, Quadrant]]:
        with self.read_unit() as session:
            # One snapshot for the check and the read; the write transaction only when a change is due.
            if check and self._refresh_pending(session, self.now()):
                rows = None
            else:
                # In the order of the index (a walk, no sort). Driver SQL (it has no parameters and
                # no %) and a dict lookup per row: 10,000 rows are read on every re-sort.
                rows = [(item_id, _QUADRANTS[q]) for item_id, q in session.connection().exec_driver_sql(ORDERED_OPEN_SQL)]
        if rows is None:
            self.refresh()
            return self._ordered_open_ids(check=False)
        return rows

    def get(self, item_id: int) -> ItemView:
        """One item with its placement; InputError for an unknown id."""
        views = self.list_items(include_closed=True, ids=[item_id])
        if not views:
            raise InputError(f"no item with id {item_id}")
        return views[0]

    def entries(self, item_id: int) -> list[TimeEntryView]:
        """The time entries of an item, oldest first."""
        with self.read_unit() as session:
            self._item(session, item_id)
            rows = session.scalars(select(TimeEntry).where(TimeEntry.item_id == item_id).order_by(TimeEntry.start))
            return [_entry_view(e) for e in rows]

    def history(self, item_id: int) -> list[TriageEvent]:
        """The triage log of an item, oldest first."""
        with self.read_unit() as session:
            self._item(session, item_id)
            rows = session.scalars(select(TriageLog).where(TriageLog.item_id == item_id).order_by(TriageLog.at, TriageLog.id))
            return [
                TriageEvent(
                    id=r.id,
                    item_id=r.item_id,
                    at=r.at,
                    from_quadrant=Quadrant(r.from_quadrant) if r.from_quadrant else None,
                    to_quadrant=Quadrant(r.to_quadrant),
                    actor=Actor(r.actor),
                    note=r.note,
                    action=TriageAction(r.action) if r.action else None,
                )
                for r in rows
            ]

    def draft_of(self, item_id: int) -> ItemDraft:
        """The editable fields of an item, to change and pass to ``edit``."""
        return self.editable(item_id)[0]

    def editable(self, item_id: int) -> tuple[ItemDraft, int]:
        """The editable fields of an item and the row version they were read at (one read), for ``edit``."""
        with self.read_unit() as session:
            item = self._item(session, item_id)
            return ItemDraft(**{f.name: getattr(item, f.name) for f in fields(ItemDraft)}), item.version

    # ----------------------------------------------------------------- writes
    @staticmethod
    def _item(session: Session, item_id: int) -> Item:
        item = session.get(Item, item_id)
        if item is None:
            raise InputError(f"no item with id {item_id}")
        return item

    @classmethod
    def _items(cls, session: Session, item_ids: Sequence[int], versions: Mapping[int, int] | None) -> list[Item]:
        """The items, each at the version the caller read (``versions``: id -> version, None: unchecked).

        The check runs in the write transaction (the write lock is held), so nothing can
        slip in between it and the write; StaleItemError names every item that changed.
        """
        if versions is None:
            return [cls._item(session, item_id) for item_id in item_ids]
        items: list[Item] = []
        stale: list[str] = []
        stale_ids: set[int] = set()
        for item_id in item_ids:
            item = session.get(Item, item_id)
            if item is None:
                stale.append(f"item {item_id} (deleted)")
                stale_ids.add(item_id)
                continue
            if item_id in versions and item.version != versions[item_id]:
                stale.append(item.title)
                stale_ids.add(item_id)
            items.append(item)
        if stale:
            raise StaleItemError.changed(stale, frozenset(stale_ids))
        return items

    def add(self, draft: ItemDraft, created_at: datetime | None = None, uid: str | None = None) -> Result[int]:
        """Create an item, place it, and log its first placement."""
        clean = validate(draft)
        now = self.now()
        with self.unit() as session:
            policy = self.policy_in(session)
            item = Item(**{f.name: getattr(clean, f.name) for f in fields(ItemDraft)})
            item.kind = clean.kind.value
            item.importance = clean.importance.value
            item.status = Status.OPEN.value
            item.created_at = created_at or now
            item.updated_at = now
            item.uid = uid
            item.quadrant = ""
            session.add(item)
            session.flush()
            self._replace(session, item, now, policy, Actor.RULES, "added")
            item_id = item.id
        return Result(item_id, Changes(items=frozenset({item_id}), added=frozenset({item_id}), versions={item_id: item.version}))

    # --- Bulk import (added for importers.py: a whole calendar or CSV file in ONE transaction) ---
    def import_items(self, records: Sequence[ImportRecord]) -> Result[ImportOutcome]:
        """Add many items, or update those whose calendar ``uid`` is already stored, all or nothing.

        Every draft is validated before anything is written; a bad one raises
        InputError prefixed with its record's ``label`` (e.g. "line 12") and the
        database is unchanged. An item found by uid keeps what the user decided
        (importance, pin, status, skipped...) and takes only ``update_fields``.

        New items go in as one ORM bulk INSERT (each placed first by ``rules.place``,
        as ``add`` places one) and their first triage-log rows as another: the
        per-item flush and running-timer lookup of ``add`` made 100,000 rows take
        minutes while the write lock was held (issue 16, section 7).
        """
        cleaned: list[tuple[ImportRecord, ItemDraft]] = []
        for record in records:
            try:
                clean = validate(record.draft)
                if record.created_at is not None:
                    check_instant(record.created_at, "the creation time")
            except (InputError, ValueError) as exc:
                raise InputError(f"{record.label}: {exc}" if record.label else str(exc)) from None
            cleaned.append((record, clean))
        now = self.now()
        # Placed before the write lock is taken, so the others wait only for the writing.
        with self.read_unit() as session:
            policy = self.policy_in(session)
        rows = [self._new_item_row(clean, record.created_at or now, record.uid, now, policy) for record, clean in cleaned]
        updated: list[int] = []
        unchanged: list[int] = []
        with self.unit() as session:
            if self.policy_in(session) != policy:  # changed meanwhile (rare): place under the one in force
                policy = self.policy_in(session)
                rows = [self._new_item_row(clean, record.created_at or now, record.uid, now, policy) for record, clean in cleaned]
            uids = sorted({r.uid for r, _ in cleaned if r.uid})
            known: dict[str, Item] = {}
            for chunk in range(0, len(uids), 500):  # stay under SQLite's bound-parameter limit
                for row in session.scalars(select(Item).where(Item.uid.in_(uids[chunk : chunk + 500]))):
                    assert row.uid is not None
                    known[row.uid] = row
            fresh: list[dict[str, Any]] = []  # rows of new items, in file order
            fresh_by_uid: dict[str, tuple[int, ItemDraft]] = {}  # a uid seen twice in one file updates the first one
            for (record, clean), new_row in zip(cleaned, rows, strict=True):
                if record.uid and record.uid in fresh_by_uid:
                    index, first = fresh_by_uid[record.uid]
                    merged = replace(first, **{name: getattr(clean, name) for name in record.update_fields})
                    fresh_by_uid[record.uid] = index, merged
                    fresh[index] = self._new_item_row(merged, fresh[index]["created_at"], record.uid, now, policy)
                    continue
                item = known.get(record.uid) if record.uid else None
                if item is None:
                    if record.uid:
                        fresh_by_uid[record.uid] = len(fresh), clean
                    fresh.append(new_row)
                    continue
                changed = False
                for name in record.update_fields:
                    value = getattr(clean, name)
                    value = value.value if isinstance(value, Kind | Importance) else value
                    if getattr(item, name) != value:
                        setattr(item, name, value)
                        changed = True
                if not changed:
                    unchanged.append(item.id)
                    continue
                item.updated_at = now
                if item.status == Status.OPEN.value:
                    self._replace(session, item, now, policy, Actor.RULES, "updated by import")
                if item.id not in updated:
                    updated.append(item.id)
            added = self._insert_new(session, fresh, now)
        outcome = ImportOutcome(tuple(added), tuple(updated), tuple(i for i in unchanged if i not in updated))
        return Result(outcome, Changes(items=frozenset(added + updated), added=frozenset(added), time=bool(updated)))

    @staticmethod
    def _new_item_row(clean: ItemDraft, created_at: datetime, uid: str | None, now: datetime, policy: Policy) -> dict[str, Any]:
        """The column values of a new item placed by the rules at ``now``, as ``add`` places one."""
        placement = rules.place(clean.facts(created_at), now, policy)
        row = {f.name: getattr(clean, f.name) for f in _DRAFT_FIELDS}
        row.update(
            kind=clean.kind.value,
            importance=clean.importance.value,
            status=Status.OPEN.value,
            created_at=created_at,
            updated_at=now,
            closed_at=None,
            uid=uid,
            pinned_quadrant=None,
            pinned_at=None,
            quadrant=placement.quadrant.value,
            urgent=placement.urgent,
            important=placement.important,
            placed_at=now,
            changes_at=placement.changes_at,
        )
        return row

    @staticmethod
    def _insert_new(session: Session, rows: list[dict[str, Any]], now: datetime) -> list[int]:
        """Insert new items (``_new_item_row``) with their first triage-log rows; their ids in order.

        ORM bulk INSERTs (lists of dicts), so the column types (UTC microseconds) and the
        mapping still apply; no item is flushed alone. A new item has no timer, so its
        placement needs none of ``_replace``'s time splitting.
        """
        if not rows:
            return []
        # render_nulls: a None is sent as NULL instead of leaving the column out, so every row
        # has the same columns and the rows go in as one batch (not one group per shape).
        options = {"render_nulls": True}
        ids: list[int] = []
        if session.connection().dialect.name == "sqlite":
            # The ids SQLite would choose itself (one past the largest rowid: no AUTOINCREMENT),
            # given up front: RETURNING in parameter order made SQLAlchemy send one INSERT per row.
            # BEGIN IMMEDIATE holds the write lock, so nobody else takes them meanwhile.
            first = (session.scalar(select(func.max(Item.id))) or 0) + 1
            ids = list(range(first, first + len(rows)))
            for row, item_id in zip(rows, ids, strict=True):
                row["id"] = item_id
            for chunk in range(0, len(rows), _INSERT_BATCH):
                session.execute(insert(Item), rows[chunk : chunk + _INSERT_BATCH], execution_options=options)
            # The first placement is logged as add() logs it (from "" = new, by the rules), here by
            # one INSERT ... SELECT over the id range just written: no parameters per row in Python.
            logged = select(
                Item.id,
                literal(now, UTCDateTime()),
                literal(""),
                Item.quadrant,
                literal(Actor.RULES.value),
                literal("imported"),
            ).where(Item.id >= first, Item.id < first + len(rows)).order_by(Item.id)
            columns = ["item_id", "at", "from_quadrant", "to_quadrant", "actor", "note"]
            session.execute(insert(TriageLog).from_select(columns, logged))
            return ids
        for chunk in range(0, len(rows), _INSERT_BATCH):
            returning = insert(Item).returning(Item.id, sort_by_parameter_order=True)
            ids += session.execute(returning, rows[chunk : chunk + _INSERT_BATCH], execution_options=options).scalars().all()
        common = {"at": now, "from_quadrant": "", "actor": Actor.RULES.value, "note": "imported"}
        session.execute(
            insert(TriageLog),
            [{**common, "item_id": item_id, "to_quadrant": row["quadrant"]} for item_id, row in zip(ids, rows, strict=True)],
        )
        return ids

    def edit(self, item_id: int, draft: ItemDraft, *, version: int | None = None) -> Result[int]:
        """Replace the editable fields of an item and re-place it.

        ``version``: the row version the caller read; StaleItemError if the item has another now.
        """
        clean = validate(draft)
        now = self.now()
        with self.unit() as session:
            policy = self.policy_in(session)
            (item,) = self._items(session, [item_id], None if version is None else {item_id: version})
            for f in fields(ItemDraft):
                setattr(item, f.name, getattr(clean, f.name))
            item.kind = clean.kind.value
            item.importance = clean.importance.value
            item.updated_at = now
            if item.status == Status.OPEN.value:
                self._replace(session, item, now, policy, Actor.RULES, "edited")
        return Result(item_id, Changes(items=frozenset({item_id}), time=True, versions=_versions([item])))

    def move(
        self,
        item_ids: int | Sequence[int],
        quadrant: Quadrant,
        *,
        clear_if_rules_agree: bool = False,
        versions: Mapping[int, int] | None = None,
    ) -> Result[list[int]]:
        """Pin items to a quadrant (a drag or the ``move`` command).

        With ``clear_if_rules_agree`` a move to the quadrant the rules would
        choose anyway clears the pin instead (a drop back where it belongs).
        ``versions``: the row versions the caller read (see the module docstring).
        """
        ids = [item_ids] if isinstance(item_ids, int) else list(item_ids)
        quadrant = Quadrant(quadrant)
        now = self.now()
        with self.unit() as session:
            policy = self.policy_in(session)
            items = self._items(session, ids, versions)
            for item_id, item in zip(ids, items, strict=True):
                if item.status != Status.OPEN.value:
                    raise InputError(f"item {item_id} is {item.status}; only open items can be moved")
                unpinned = replace(facts_of(item), pinned_quadrant=None)
                if clear_if_rules_agree and rules.place(unpinned, now, policy).quadrant is quadrant:
                    item.pinned_quadrant, item.pinned_at = None, None
                else:
                    item.pinned_quadrant, item.pinned_at = quadrant.value, now
                item.updated_at = now
                self._replace(session, item, now, policy, Actor.USER, "moved by you", TriageAction.MOVE)
        time_changed = bool(session.info.get("time_changed"))
        return Result(ids, Changes(items=frozenset(ids), time=time_changed, versions=_versions(items)))

    def unpin(self, item_ids: int | Sequence[int], *, versions: Mapping[int, int] | None = None) -> Result[list[int]]:
        """Let the rules decide again (``versions``: as for ``move``)."""
        ids = [item_ids] if isinstance(item_ids, int) else list(item_ids)
        return self._set_pin_states(dict.fromkeys(ids, (None, None)), versions, "pin cleared: the rules decide", TriageAction.UNPIN)

    def set_pin(self, item_id: int, quadrant: Quadrant | None, pinned_at: datetime | None, *, version: int | None = None) -> Result[int]:
        """Restore an exact pin state (used by undo; ``version`` as for ``edit``)."""
        result = self.set_pins({item_id: (quadrant, pinned_at)}, versions=None if version is None else {item_id: version})
        return Result(item_id, result.changes)

    def set_pins(
        self, states: Mapping[int, tuple[Quadrant | None, datetime | None]], *, versions: Mapping[int, int] | None = None
    ) -> Result[list[int]]:
        """Restore exact pin states, all or none (undo of a move; ``versions`` as for ``move``)."""
        return self._set_pin_states(states, versions, "undone", TriageAction.UNDO)

    def _set_pin_states(
        self,
        states: Mapping[int, tuple[Quadrant | None, datetime | None]],
        versions: Mapping[int, int] | None,
        note: str,
        action: TriageAction,
    ) -> Result[list[int]]:
        """Pin (or unpin: ``(None, None)``) each item as given, in one unit; the triage log says ``note``."""
        ids = list(states)
        now = self.now()
        with self.unit() as session:
            policy = self.policy_in(session)
            items = self._items(session, ids, versions)
            for item, (quadrant, pinned_at) in zip(items, states.values(), strict=True):
                item.pinned_quadrant = quadrant.value if quadrant else None
                item.pinned_at = pinned_at if quadrant else None
                item.updated_at = now
                if item.status == Status.OPEN.value:
                    self._replace(session, item, now, policy, Actor.USER, note, action)
        time_changed = bool(session.info.get("time_changed"))
        return Result(ids, Changes(items=frozenset(ids), time=time_changed, versions=_versions(items)))

    def _close(self, item_ids: int | Sequence[int], status: Status, versions: Mapping[int, int] | None) -> Result[list[int]]:
        ids = [item_ids] if isinstance(item_ids, int) else list(item_ids)
        now = self.now()
        stopped = 0
        with self.unit() as session:
            items = self._items(session, ids, versions)
            for item_id, item in zip(ids, items, strict=True):
                if item.status != Status.OPEN.value:
                    raise InputError(f"item {item_id} is already {item.status}")
                stopped += len(self._stop_running(session, now, item_id))
                item.status = status.value
                item.closed_at = now
                item.updated_at = now
        changes = Changes(items=frozenset(ids), removed=frozenset(ids), time=bool(stopped), versions=_versions(items))
        return Result(ids, changes)

    def done(self, item_ids: int | Sequence[int], *, versions: Mapping[int, int] | None = None) -> Result[list[int]]:
        """Mark items done (stops their timer; ``versions`` as for ``move``)."""
        return self._close(item_ids, Status.DONE, versions)

    def drop(self, item_ids: int | Sequence[int], *, versions: Mapping[int, int] | None = None) -> Result[list[int]]:
        """Drop items: kept for the record, gone from the matrix (``versions`` as for ``move``)."""
        return self._close(item_ids, Status.DROPPED, versions)

    def reopen(self, item_ids: int | Sequence[int], *, versions: Mapping[int, int] | None = None) -> Result[list[int]]:
        """Open done or dropped items again (undo of done/drop; ``versions`` as for ``move``)."""
        ids = [item_ids] if isinstance(item_ids, int) else list(item_ids)
        now = self.now()
        with self.unit() as session:
            policy = self.policy_in(session)
            items = self._items(session, ids, versions)
            for item in items:
                item.status = Status.OPEN.value
                item.closed_at = None
                item.updated_at = now
                self._replace(session, item, now, policy, Actor.USER, "reopened", TriageAction.REOPEN)
        return Result(ids, Changes(items=frozenset(ids), added=frozenset(ids), versions=_versions(items)))

    def delete(self, item_id: int, *, version: int | None = None) -> Result[int]:
        """Remove an item and its history for good (undo of add only; ``version`` as for ``edit``).

        Refused (InputError, nothing deleted) while the item has tracked time: time is
        never deleted with an item, whoever logged it.
        """
        with self.unit() as session:
            (item,) = self._items(session, [item_id], None if version is None else {item_id: version})
            if session.scalar(select(TimeEntry.id).where(TimeEntry.item_id == item_id).limit(1)) is not None:
                one = "SELECT items.id FROM items WHERE items.id = :item_id"
                spent = minutes_spent(session.connection(), self.now(), one, {"item_id": item_id})
                minutes = spent.get(item_id, (0, False))[0]
                raise InputError(f"{item.title} has {minutes_text(minutes)} of tracked time; nothing was deleted (drop it instead)")
            session.delete(item)
            session.execute(delete(TriageLog).where(TriageLog.item_id == item_id))
        return Result(item_id, Changes(items=frozenset({item_id}), removed=frozenset({item_id}), time=True))

    # ------------------------------------------------------------------- time
    def _quadrant_at(self, session: Session, item: Item, at: datetime) -> str:
        last = session.scalar(
            select(TriageLog.to_quadrant)
            .where(TriageLog.item_id == item.id, TriageLog.at <= at)
            .order_by(TriageLog.at.desc(), TriageLog.id.desc())
            .limit(1)
        )
        if last is not None:
            return last
        first = session.scalar(
            select(TriageLog.to_quadrant).where(TriageLog.item_id == item.id).order_by(TriageLog.at, TriageLog.id).limit(1)
        )
        return first or item.quadrant

    def _segments(self, session: Session, item: Item, start: datetime, end: datetime) -> list[tuple[datetime, datetime, str]]:
        """Split [start, end) at the item's placement changes: each minute keeps its quadrant."""
        cuts = session.execute(
            select(TriageLog.at, TriageLog.to_quadrant)
            .where(TriageLog.item_id == item.id, TriageLog.at > start, TriageLog.at < end)
            .order_by(TriageLog.at, TriageLog.id)
        ).all()
        segments: list[tuple[datetime, datetime, str]] = []
        cursor, quadrant = start, self._quadrant_at(session, item, start)
        for at, to_quadrant in cuts:
            if to_quadrant != quadrant:
                if at > cursor:
                    segments.append((cursor, at, quadrant))
                cursor, quadrant = at, to_quadrant
        segments.append((cursor, end, quadrant))
        return segments

    def _stop_running(self, session: Session, now: datetime, item_id: int | None = None) -> list[TimeEntry]:
        query = select(TimeEntry).where(TimeEntry.end.is_(None))
        if item_id is not None:
            query = query.where(TimeEntry.item_id == item_id)
        stopped = list(session.scalars(query))
        for entry in stopped:
            entry.end = max(now, entry.start)
        return stopped

    def running(self) -> TimeEntryView | None:
        """The running timer, if any."""
        with self.read_unit() as session:
            entry = session.scalar(select(TimeEntry).where(TimeEntry.end.is_(None)).order_by(TimeEntry.start.desc()).limit(1))
            return _entry_view(entry) if entry else None

    @staticmethod
    def _check_running(session: Session, seen: int | None | Unchecked, starting: int | None = None) -> None:
        """StaleItemError unless the timer runs on the item the caller saw it on (``seen``; None: no timer).

        Starting the timer on ``starting`` stops only what runs: it is refused only when that is
        a timer the caller did not see (none running, or already ``starting``'s, stops nothing).
        """
        if isinstance(seen, Unchecked):
            return
        entry = session.scalar(select(TimeEntry).where(TimeEntry.end.is_(None)).order_by(TimeEntry.start.desc()).limit(1))
        actual = entry.item_id if entry is not None else None
        if actual == seen or (starting is not None and actual in (None, starting)):
            return
        title = session.scalar(select(Item.title).where(Item.id == actual)) if actual is not None else None
        seen_title = session.scalar(select(Item.title).where(Item.id == seen)) if seen is not None else None
        if title is None:
            message = f"the timer on {seen_title or f'item {seen}'} was stopped elsewhere; nothing was changed"
        elif seen_title is None:
            message = f"a timer was started elsewhere on {title}; nothing was stopped"
        else:
            message = f"the timer was moved elsewhere from {seen_title} to {title}; nothing was stopped"
        raise StaleItemError(message, frozenset(i for i in (seen, actual) if i is not None), timer=True)

    def start_timer(self, item_id: int, *, running: int | None | Unchecked = UNCHECKED) -> Result[TimeEntryView]:
        """Start the timer on an item, stopping any other; committed at once.

        ``running``: the item the caller saw the timer running on (None: none); StaleItemError
        if it runs elsewhere now, so a timer started elsewhere is never stopped unseen.
        """
        self.refresh()
        now = self.now()
        with self.unit() as session:
            self._check_running(session, running, item_id)
            item = self._item(session, item_id)
            if item.status != Status.OPEN.value:
                raise InputError(f"item {item_id} is {item.status}; reopen it to track time")
            current = session.scalar(select(TimeEntry).where(TimeEntry.end.is_(None), TimeEntry.item_id == item_id))
            if current is not None:
                return Result(_entry_view(current), Changes())
            stopped = self._stop_running(session, now)
            entry = TimeEntry(item_id=item_id, start=now, end=None, quadrant=item.quadrant, source=EntrySource.TIMER.value)
            session.add(entry)
            session.flush()
            view = _entry_view(entry)
        touched = frozenset({item_id} | {e.item_id for e in stopped})
        return Result(view, Changes(items=touched, time=True))

    def stop_timer(self, *, running: int | None | Unchecked = UNCHECKED) -> Result[TimeEntryView | None]:
        """Stop the running timer, if any (``running``: as for ``start_timer``)."""
        self.refresh()
        now = self.now()
        with self.unit() as session:
            self._check_running(session, running)
            stopped = self._stop_running(session, now)
            session.flush()
            view = _entry_view(stopped[-1]) if stopped else None
        return Result(view, Changes(items=frozenset(e.item_id for e in stopped), time=bool(stopped)))

    def log_time(self, item_id: int, start: datetime, end: datetime, note: str = "") -> Result[list[TimeEntryView]]:
        """Record a manual span of work, split by the quadrants the item was in."""
        check_instant(start, "the start")  # the years every view can show (domain)
        check_instant(end, "the end")
        if end <= start:
            raise InputError("the end is before the start")
        if end - start > timedelta(days=7):
            raise InputError("a time entry cannot be longer than 7 days")
        clean_note = clean_text(note, "the note", MAX_TITLE)
        self.refresh()
        with self.unit() as session:
            item = self._item(session, item_id)
            created = []
            for s, e, quadrant in self._segments(session, item, start, end):
                entry = TimeEntry(item_id=item_id, start=s, end=e, quadrant=quadrant, source=EntrySource.MANUAL.value, note=clean_note)
                session.add(entry)
                created.append(entry)
            session.flush()
            views = [_entry_view(e) for e in created]
        return Result(views, Changes(items=frozenset({item_id}), time=True))

    # -------------------------------------------------------------- incidents
    def record_incident(self, summary: IncidentSummary) -> Result[int]:
        """Keep a finished incident for the weekly review."""
        check_instant(summary.started_at, "the incident's start")
        check_instant(summary.ended_at, "the incident's end")
        if summary.ended_at < summary.started_at:
            raise InputError("the incident ends before it starts")
        with self.unit() as session:
            row = Incident(
                started_at=summary.started_at,
                ended_at=summary.ended_at,
                title=clean_text(summary.title, "the incident title", MAX_TITLE),
                captured_ids=json.dumps(list(summary.captured)),
                moved_ids=json.dumps(list(summary.moved)),
                delegated_ids=json.dumps(list(summary.delegated)),
                done_ids=json.dumps(list(summary.done)),
                minutes_logged=summary.minutes_logged,
            )
            session.add(row)
            session.flush()
            incident_id = row.id
        return Result(incident_id, Changes())

    def incidents(self, start: datetime, end: datetime) -> list[IncidentSummary]:
        """Incidents that started in [start, end), oldest first."""
        with self.read_unit() as session:
            return self.incidents_in(session, start, end)

    @staticmethod
    def incidents_in(session: Session, start: datetime, end: datetime) -> list[IncidentSummary]:
        """``incidents`` read inside an existing unit of work (the review reads everything in one)."""
        rows = session.scalars(
            select(Incident).where(Incident.started_at >= start, Incident.started_at < end).order_by(Incident.started_at)
        )
        return [
            IncidentSummary(
                id=r.id,
                started_at=r.started_at,
                ended_at=r.ended_at,
                title=r.title,
                captured=tuple(json.loads(r.captured_ids)),
                moved=tuple(json.loads(r.moved_ids)),
                delegated=tuple(json.loads(r.delegated_ids)),
                done=tuple(json.loads(r.done_ids)),
                minutes_logged=r.minutes_logged,
            )
            for r in rows
        ]
