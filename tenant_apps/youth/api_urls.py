from django.urls import path

from . import api

urlpatterns = [
    path("auth/signup/", api.SignupApi.as_view(), name="api-youth-signup"),
    path("auth/verify-email/", api.VerifyEmailApi.as_view(), name="api-youth-verify-email"),
    path(
        "me/verification/resend/",
        api.ResendVerificationApi.as_view(),
        name="api-youth-verification-resend",
    ),
    path("me/profile/", api.ProfileApi.as_view(), name="api-youth-profile"),
    path("me/export/", api.ExportApi.as_view(), name="api-youth-export"),
    path("me/consents/", api.ConsentListApi.as_view(), name="api-youth-consents"),
    path(
        "me/consents/<str:kind>/",
        api.ConsentWithdrawApi.as_view(),
        name="api-youth-consent-withdraw",
    ),
    path("me/", api.MeDeleteApi.as_view(), name="api-youth-me"),
]
