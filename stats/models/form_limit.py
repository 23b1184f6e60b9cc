"""Each use of a public form, kept one hour to limit how often one visitor or one address
may use it. Only a keyed hash of the address or email is kept, never the thing itself."""

from django.db import models


class FormUse(models.Model):
    key = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"Form use at {self.at:%H:%M:%S}"
