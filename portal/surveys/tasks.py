from celery import shared_task


@shared_task
def invite_audience(survey_id: int) -> int:
    """Invite the audience's people not invited yet (``services.invite_audience``)."""
    # Imported here: the services import this module to queue its tasks.
    from portal.surveys import services

    return services.invite_audience(survey_id)


@shared_task
def remind_invitees(survey_id: int) -> int:
    """Remind those who have not answered, once a day at most (``services.remind_invitees``)."""
    from portal.surveys import services

    return services.remind_invitees(survey_id)
