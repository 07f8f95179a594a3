from django.apps import AppConfig


def _stamp_session(sender, request, user, **kwargs) -> None:
    """Every login stamps its session (version, time): see accounts.sessions."""
    from truyvet.accounts import sessions

    if request is not None and hasattr(request, "session"):
        sessions.start(request.session, user)


class AccountsConfig(AppConfig):
    name = "truyvet.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_stamp_session, dispatch_uid="truyvet.accounts.stamp_session")
