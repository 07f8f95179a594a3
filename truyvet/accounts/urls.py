from django.urls import path

from truyvet.accounts import audit_views, onboarding_views, views

app_name = "accounts"

urlpatterns = [
    path("account/2fa/", views.two_factor, name="2fa"),
    path("account/2fa/setup/", views.two_factor_setup, name="2fa_setup"),
    path("account/2fa/qr.svg", views.two_factor_qr, name="2fa_qr"),
    path("account/security/", views.security, name="security"),
    path("account/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("account/logout-everywhere/", views.logout_everywhere, name="logout_everywhere"),
    path("account/activate/<uidb64>/<token>/", views.ActivateView.as_view(), name="activate"),
    path("account/activated/", views.activated, name="activated"),
    path("register/", onboarding_views.register, name="register"),
    path("register/done/", onboarding_views.registered, name="registered"),
    path("applications/", onboarding_views.applications, name="applications"),
    path("applications/<int:pk>/", onboarding_views.application, name="application"),
    path("applications/<int:pk>/approve/", onboarding_views.approve, name="approve"),
    path("applications/<int:pk>/reject/", onboarding_views.reject, name="reject"),
    path("staff/", onboarding_views.staff, name="staff"),
    path("staff/invite/", onboarding_views.invite, name="invite"),
    path("staff/<int:pk>/disable/", onboarding_views.disable, name="disable"),
    path("audit/", audit_views.audit_log, name="audit"),
    path("audit.csv", audit_views.audit_csv, name="audit_csv"),
]
