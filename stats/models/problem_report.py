"""What readers tell the press office about a page: "Is this page useful?" and "Report a
problem with this page" at the foot of every public page. No personal data is asked for:
only what the reader chooses to type."""

from django.db import models


class ProblemReport(models.Model):
    page = models.CharField(max_length=300, help_text="The page it was sent from.")
    useful = models.BooleanField(null=True, blank=True, help_text="Their answer, if they gave one.")
    what_doing = models.TextField("what they were doing", blank=True, max_length=1000)
    what_wrong = models.TextField("what went wrong", blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "reader's report"
        verbose_name_plural = "readers' reports"

    def __str__(self):
        return f"Report on {self.page}"

    @property
    def is_problem(self):
        return bool(self.what_doing or self.what_wrong)
