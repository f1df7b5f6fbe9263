"""Read models folded from the event stream, and the machinery that keeps them current."""

from projections.base import Projection
from projections.views.directory import Directory
from projections.views.service_records import ServiceRecords
from projections.views.shift_board import ShiftBoard


def all_projections() -> list[Projection]:
    return [Directory(), ShiftBoard(), ServiceRecords()]
