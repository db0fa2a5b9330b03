from django.urls import path

from perinatal.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/security-code/", views.verify, name="verify"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("timed-out/", views.timed_out, name="timed_out"),
    path("session/keep-alive/", views.keep_alive, name="keep_alive"),
    path("request-access/", views.request_access, name="request_access"),
    path("access-requests/", views.access_requests, name="access_requests"),
    path("access-requests/<int:pk>/", views.access_request_detail, name="access_request"),
    path("trusts/<str:code>/nominated-users/", views.nominations, name="nominations"),
    path("account/setup/<str:uid>/<str:token>/", views.setup, name="setup"),
    path("account/setup/authenticator/", views.setup_authenticator, name="setup_authenticator"),
]
