"""Query lookups the whole project gets, registered when the exchanges app is ready."""

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    """``__in`` on an integer column leaves out values the column cannot hold, as Django's
    ``exact`` already does, instead of letting the database driver fail on them.

    A number beyond 64 bits posted to any form that chooses objects by id (the admin's
    many-to-many choosers check ``pk__in=<posted values>``) made SQLite's driver raise
    ``OverflowError``, a 500 (found by tests/test_form_fuzz.py). No row can have such an id,
    so leaving it out changes no answer; with nothing left, the lookup matches nothing.
    """

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
