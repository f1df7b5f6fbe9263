"""Which events of the trail are the ledger's own bookkeeping rather than facts people act on.

An export handed to someone outside (a street office, an auditor) leaves them out:

- receipts of keyed requests (``Receipt``): "this request was carried out once";
- unique keys (``UniqueKey``): a phone number or volunteer number claimed or released, the
  registration itself says it;
- timesheets (``Timesheet``): the shifts a volunteer holds and the time counted for them, kept
  so that overlap and the daily cap are checked on one aggregate; the sign-ups and the service
  records say the same in people's terms;
- the opening of an attendance (``Attendance.Opened``), which the check-in or no-show follows,
  and ``Activity.ShiftAdded``, the activity's side of ``Shift.Scheduled``.
"""

from __future__ import annotations

from domain.activity import Activity
from domain.attendance import Attendance
from projections.events import RECEIPT_EVENTS, TIMESHEET_EVENTS, UNIQUE_KEY_EVENTS

BOOKKEEPING_EVENTS: frozenset[type] = frozenset(
    {*RECEIPT_EVENTS, *UNIQUE_KEY_EVENTS, *TIMESHEET_EVENTS, Attendance.Opened, Activity.ShiftAdded}
)

#: The same, as the trail's ``event_type`` column spells them.
BOOKKEEPING_EVENT_TYPES: frozenset[str] = frozenset(
    event_class.__qualname__ for event_class in BOOKKEEPING_EVENTS
)
