"""URLs of mail: the recipient's unsubscribe link and the staff's outbox and templates."""

from django.urls import path

from exchanges.views import mail

public = [
    path("mail/unsubscribe/<str:token>/", mail.unsubscribe, name="mail_unsubscribe"),
]

staff = [
    path("mail/", mail.outbox, name="mail_outbox"),
    path("mail/<int:pk>/", mail.outbox_detail, name="mail_detail"),
    path("mail/<int:pk>/resend/", mail.outbox_resend, name="mail_resend"),
    path("mail/templates/", mail.mail_templates, name="mail_templates"),
    path(
        "mail/templates/<int:cohort_id>/<str:key>/<str:language>/",
        mail.mail_template_edit,
        name="mail_template_edit",
    ),
    path(
        "mail/templates/<int:cohort_id>/<str:key>/<str:language>/preview/",
        mail.mail_template_preview,
        name="mail_template_preview",
    ),
]
