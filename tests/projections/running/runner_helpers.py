"""What the runner's tests share: a busy shift, a few districts, and a projection that counts."""

from domain.organisation import Organisation
from domain.values import Actor
from projections.base import Projection, on
from tests import factories as f


def busy_shift(ledger, signups=3, capacity=2):
    community = f.community(ledger)
    shift = f.shift(ledger, f.activity(ledger, community), capacity=capacity)
    volunteers = [f.volunteer(ledger, community, name=f"志愿者{i}") for i in range(signups)]
    for v in volunteers:
        ledger.sign_up(shift, v, Actor.volunteer(v))
    return shift, volunteers


def written_position(ledger, name="西城区"):
    """The position a command reports for its write: a district created after the rest."""
    return ledger.create_organisation.written(name=name, kind="district", actor=f.ADMIN).position


class Counting(Projection):
    """Counts organisations with the running count kept in memory between batches: a count
    that outlived a failed batch, or another runner's batches, would come out too high or low.
    ``refuse`` names the count at which a batch fails, after the memory has moved."""

    name = "counted"

    def __init__(self):
        self.count = None
        self.reads = 0
        self.refuse = None

    def create(self, tx):
        tx.execute("CREATE TABLE IF NOT EXISTS counted (n INTEGER NOT NULL)")

    def drop(self, tx):
        tx.execute("DROP TABLE IF EXISTS counted")

    def forget(self):
        self.count = None

    @on(Organisation.Created)
    def _created(self, tx, e, position):
        if self.count is None:
            self.reads += 1
            rows = tx.query("SELECT n FROM counted")
            self.count = rows[0][0] if rows else 0
        self.count += 1
        if self.count == self.refuse:
            raise RuntimeError("refused")
        tx.execute("DELETE FROM counted")
        tx.execute("INSERT INTO counted (n) VALUES (?)", (self.count,))


def districts(ledger, count):
    for n in range(count):
        f.district(ledger, name=f"第{n}区")
