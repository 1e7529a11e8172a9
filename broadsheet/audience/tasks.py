"""The worker's side of a send: one task per issue (e-mail) or per push batch, safe to run twice or after a crash."""

from __future__ import annotations

from django_tasks import task

from broadsheet.audience import pushsend, sending
from broadsheet.audience.models import Issue


@task()
def send_issue_task(issue_id: int) -> dict[str, int]:
    issue = Issue.objects.filter(pk=issue_id).first()
    if issue is None:
        return {}
    return sending.send(issue)


@task()
def send_push_task(issue_id: int) -> dict[str, int]:
    """Claims whatever push deliveries of the alert are ready, so the tasks queued for a big
    fan-out share it across workers."""
    issue = Issue.objects.filter(pk=issue_id).first()
    if issue is None:
        return {}
    return pushsend.send(issue)
