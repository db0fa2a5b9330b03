from django.urls import path

from perinatal.accounts import setup_views, users_views, views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/security-code/", views.verify, name="verify"),
    path("sign-in/forgot-password/", setup_views.forgot_password, name="forgot_password"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("timed-out/", views.timed_out, name="timed_out"),
    path("session/keep-alive/", views.keep_alive, name="keep_alive"),
    path("request-access/", views.request_access, name="request_access"),
    path("access-requests/", views.access_requests, name="access_requests"),
    path("access-requests/<int:pk>/", views.access_request_detail, name="access_request"),
    path("trusts/<str:code>/nominated-users/", views.nominations, name="nominations"),
    path("account/nominations/<int:pk>/", views.nomination_decision, name="nomination_decision"),
    path("trusts/<str:code>/users/", users_views.trust_users, name="users"),
    path("trusts/<str:code>/users/<int:user_id>/", users_views.trust_user, name="user"),
    path("trusts/<str:code>/users/<int:user_id>/roles/", users_views.user_roles, name="user_roles"),
    path("trusts/<str:code>/users/<int:user_id>/suspend/", users_views.user_suspend, name="user_suspend"),
    path("trusts/<str:code>/users/<int:user_id>/reinstate/", users_views.user_reinstate, name="user_reinstate"),
    path("trusts/<str:code>/users/<int:user_id>/remove/", users_views.user_remove, name="user_remove"),
    path(
        "trusts/<str:code>/users/<int:user_id>/send-invitation/",
        users_views.user_resend_invitation,
        name="user_resend_invitation",
    ),
    path(
        "trusts/<str:code>/users/<int:user_id>/reset-authenticator/",
        users_views.user_reset_second_factor,
        name="user_reset_second_factor",
    ),
    # Reached from emailed links; the token is the only key (docs/rules/accounts.md §2).
    path("account/setup/authenticator/", setup_views.setup_authenticator, name="setup_authenticator"),
    path("account/setup/<str:token>/", setup_views.setup_account, name="setup"),
    path("account/new-authenticator/<str:token>/", setup_views.new_authenticator, name="new_authenticator"),
    path("account/reset-password/<str:token>/", setup_views.reset_password, name="reset_password"),
]
