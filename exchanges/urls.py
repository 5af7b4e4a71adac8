from django.urls import include, path

from exchanges.views import mail, mail_public, staff

staff_patterns = [
    path("", staff.dashboard, name="dashboard"),
    path("mail/", mail.outbox, name="mail_outbox"),
    path("mail/<int:pk>/", mail.outbox_detail, name="mail_detail"),
    path("mail/<int:pk>/resend/", mail.outbox_resend, name="mail_resend"),
    path("mail/templates/", mail.mail_templates, name="mail_templates"),
    path("mail/templates/<int:cohort_id>/<str:key>/<str:language>/", mail.mail_template_edit,
         name="mail_template_edit"),
    path("mail/templates/<int:cohort_id>/<str:key>/<str:language>/preview/",
         mail.mail_template_preview, name="mail_template_preview"),
    path("mail/campaigns/", mail.campaigns, name="campaigns"),
    path("mail/campaigns/new/", mail.campaign_edit, name="campaign_create"),
    path("mail/campaigns/<int:pk>/", mail.campaign_detail, name="campaign_detail"),
    path("mail/campaigns/<int:pk>/edit/", mail.campaign_edit, name="campaign_edit"),
    path("mail/campaigns/<int:pk>/send/", mail.campaign_send_view, name="campaign_send"),
    path("mail/campaigns/<int:pk>/cancel/", mail.campaign_cancel_view, name="campaign_cancel"),
    path("mail/campaigns/<int:pk>/progress/", mail.campaign_progress_view,
         name="campaign_progress"),
]

urlpatterns = [
    path("mail/unsubscribe/<str:token>/", mail_public.unsubscribe, name="mail_unsubscribe"),
    path("staff/", include((staff_patterns, "staff"))),
]
