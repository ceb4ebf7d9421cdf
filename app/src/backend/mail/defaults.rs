//! The emails Portico ships: each message's subject, text and HTML with their `{{ name }}`
//! variables. An admin's edited version, where there is one, replaces a default (see `load`).

use super::Template;

/// Every shipped template, in the order Settings > Email > Templates lists them.
pub const DEFAULTS: [&Template; 19] = [
    &INVITATION,
    &EMAIL_CONFIRMATION,
    &NEW_INVITATION_REQUESTED,
    &WELCOME,
    &REGISTRATION_RECEIVED,
    &REGISTRATION_EXISTING,
    &REGISTRATION_PENDING,
    &REGISTRATION_APPROVED,
    &REGISTRATION_REJECTED,
    &PASSWORD_RESET,
    &PASSWORD_CHANGED,
    &ACCOUNT_ACTIVATED,
    &ACCOUNT_DEACTIVATED,
    &ORGANIZATION_REQUESTED,
    &ORGANIZATION_APPROVED,
    &ORGANIZATION_REJECTED,
    &ACCESS_REQUESTED,
    &ACCESS_APPROVED,
    &ACCESS_REJECTED,
];

/// The default template of `kind`, if there is one.
pub fn default_template(kind: &str) -> Option<&'static Template> {
    DEFAULTS.into_iter().find(|t| t.kind == kind)
}

pub const INVITATION: Template = Template {
    kind: "invitation",
    subject: "You're invited to {{ portal_name }}",
    text: "Hello {{ user.first_name }},\n\n\
           You have been invited to {{ portal_name }}. Choose your password to sign in:\n\n\
           {{ invite_url }}\n\n\
           The link works once and expires on {{ expires_at }}.\n",
    html: "<p>Hello {{ user.first_name }},</p>\
           <p>You have been invited to {{ portal_name }}. Choose your password to sign in:</p>\
           <p><a href=\"{{ invite_url }}\">Accept the invitation</a></p>\
           <p>The link works once and expires on {{ expires_at }}.</p>",
};

pub const EMAIL_CONFIRMATION: Template = Template {
    kind: "email_confirmation",
    subject: "Confirm your email address for {{ portal_name }}",
    text: "Hello {{ user.first_name }},\n\n\
           Someone registered to {{ portal_name }} with {{ user.email }}. If it was you, confirm that \
           this address is yours, with the password you chose:\n\n{{ confirm_url }}\n\n\
           The link works once and expires on {{ expires_at }}. If it was not you, ignore this \
           email: nothing happens without the link.\n",
    html: "<p>Hello {{ user.first_name }},</p>\
           <p>Someone registered to {{ portal_name }} with {{ user.email }}. If it was you, confirm \
           that this address is yours, with the password you chose:</p>\
           <p><a href=\"{{ confirm_url }}\">Confirm your email address</a></p>\
           <p>The link works once and expires on {{ expires_at }}. If it was not you, ignore this \
           email: nothing happens without the link.</p>",
};

pub const NEW_INVITATION_REQUESTED: Template = Template {
    kind: "invitation_requested",
    subject: "{{ user.email }} asks for a new invitation to {{ portal_name }}",
    text: "{{ user.first_name }} {{ user.last_name }} ({{ user.email }}) opened an invitation link that no longer \
           works and asks for a new one. Send it from the user's page:\n\n{{ user_url }}\n",
    html: "<p>{{ user.first_name }} {{ user.last_name }} ({{ user.email }}) opened an invitation link that no \
           longer works and asks for a new one.</p><p><a href=\"{{ user_url }}\">Open the user's page</a></p>",
};

pub const WELCOME: Template = Template {
    kind: "welcome",
    subject: "Welcome to {{ portal_name }}",
    text: "Hello {{ user.first_name }},\n\n\
           Your account on {{ portal_name }} is ready. Sign in with {{ user.email }} at:\n\n\
           {{ login_url }}\n",
    html: "<p>Hello {{ user.first_name }},</p>\
           <p>Your account on {{ portal_name }} is ready. Sign in with {{ user.email }}.</p>\
           <p><a href=\"{{ login_url }}\">Log in</a></p>",
};

pub const REGISTRATION_RECEIVED: Template = Template {
    kind: "registration_received",
    subject: "Your registration to {{ portal_name }} awaits approval",
    text: "Hello {{ user.first_name }},\n\n\
           Thank you for registering to {{ portal_name }}. An administrator will review your \
           registration, and we will email you when it is decided.\n",
    html: "<p>Hello {{ user.first_name }},</p>\
           <p>Thank you for registering to {{ portal_name }}. An administrator will review your \
           registration, and we will email you when it is decided.</p>",
};

pub const REGISTRATION_EXISTING: Template = Template {
    kind: "registration_existing",
    subject: "Someone tried to register to {{ portal_name }} with your email",
    text: "Hello {{ user.first_name }},\n\n\
           Someone tried to register to {{ portal_name }} with {{ user.email }}, which already has an \
           account. If it was you, sign in instead, or reset your password:\n\n\
           {{ reset_url }}\n\nIf it was not you, you can ignore this email.\n",
    html: "<p>Hello {{ user.first_name }},</p>\
           <p>Someone tried to register to {{ portal_name }} with {{ user.email }}, which already has \
           an account. If it was you, sign in instead, or \
           <a href=\"{{ reset_url }}\">reset your password</a>.</p>\
           <p>If it was not you, you can ignore this email.</p>",
};

pub const REGISTRATION_PENDING: Template = Template {
    kind: "registration_pending",
    subject: "{{ user.email }} registered to {{ portal_name }} and awaits approval",
    text: "{{ user.first_name }} {{ user.last_name }} ({{ user.email }}) registered and awaits your \
           approval:\n\n{{ approvals_url }}\n\n\
           Whoever else registers in the next 15 minutes is not emailed about separately: \
           Approvals lists everyone waiting.\n",
    html: "<p>{{ user.first_name }} {{ user.last_name }} ({{ user.email }}) registered and awaits your \
           approval.</p><p><a href=\"{{ approvals_url }}\">Open Approvals</a></p>\
           <p>Whoever else registers in the next 15 minutes is not emailed about separately: \
           Approvals lists everyone waiting.</p>",
};

pub const REGISTRATION_APPROVED: Template = Template {
    kind: "registration_approved",
    subject: "Your registration to {{ portal_name }} was approved",
    text: "Hello {{ user.first_name }},\n\n\
           Your registration to {{ portal_name }} was approved. Sign in with {{ user.email }} at:\n\n\
           {{ login_url }}\n",
    html: "<p>Hello {{ user.first_name }},</p>\
           <p>Your registration to {{ portal_name }} was approved. Sign in with {{ user.email }}.</p>\
           <p><a href=\"{{ login_url }}\">Log in</a></p>",
};

pub const REGISTRATION_REJECTED: Template = Template {
    kind: "registration_rejected",
    subject: "Your registration to {{ portal_name }}",
    text: "Hello {{ user.first_name }},\n\n\
           We are sorry: your registration to {{ portal_name }} was declined.\n",
    html: "<p>Hello {{ user.first_name }},</p>\
           <p>We are sorry: your registration to {{ portal_name }} was declined.</p>",
};

pub const PASSWORD_RESET: Template = Template {
    kind: "password_reset",
    subject: "Reset your password for {{ portal_name }}",
    text: "Hello {{ user.first_name }},\n\n\
           Someone asked to reset the password of {{ user.email }} on {{ portal_name }}. Choose a new \
           password here:\n\n{{ reset_url }}\n\n\
           The link works once and expires on {{ expires_at }}. If you did not ask, ignore this email: \
           your password stays as it is.\n",
    html: "<p>Hello {{ user.first_name }},</p>\
           <p>Someone asked to reset the password of {{ user.email }} on {{ portal_name }}.</p>\
           <p><a href=\"{{ reset_url }}\">Choose a new password</a></p>\
           <p>The link works once and expires on {{ expires_at }}. If you did not ask, ignore this \
           email: your password stays as it is.</p>",
};

pub const PASSWORD_CHANGED: Template = Template {
    kind: "password_changed",
    subject: "Your {{ portal_name }} password was changed",
    text: "Hello {{ user.first_name }},\n\n\
           The password of {{ user.email }} on {{ portal_name }} was changed, and every session \
           signed in with the old one has ended. If this was not you, reset your password now:\n\n\
           {{ reset_url }}\n",
    html: "<p>Hello {{ user.first_name }},</p>\
           <p>The password of {{ user.email }} on {{ portal_name }} was changed, and every session \
           signed in with the old one has ended.</p>\
           <p>If this was not you, <a href=\"{{ reset_url }}\">reset your password</a> now.</p>",
};

pub const ACCOUNT_ACTIVATED: Template = Template {
    kind: "account_activated",
    subject: "Your {{ portal_name }} account is active",
    text: "Hello {{ user.first_name }},\n\n\
           An administrator activated your account on {{ portal_name }}. Sign in with {{ user.email }} \
           at:\n\n{{ login_url }}\n",
    html: "<p>Hello {{ user.first_name }},</p>\
           <p>An administrator activated your account on {{ portal_name }}. Sign in with \
           {{ user.email }}.</p>\
           <p><a href=\"{{ login_url }}\">Log in</a></p>",
};

pub const ACCOUNT_DEACTIVATED: Template = Template {
    kind: "account_deactivated",
    subject: "Your {{ portal_name }} account was deactivated",
    text: "Hello {{ user.first_name }},\n\n\
           An administrator deactivated your account ({{ user.email }}) on {{ portal_name }}: you \
           can no longer sign in, and every session has ended. If you think this is a mistake, \
           contact the portal's administrators.\n",
    html: "<p>Hello {{ user.first_name }},</p>\
           <p>An administrator deactivated your account ({{ user.email }}) on {{ portal_name }}: you \
           can no longer sign in, and every session has ended.</p>\
           <p>If you think this is a mistake, contact the portal's administrators.</p>",
};

pub const ORGANIZATION_REQUESTED: Template = Template {
    kind: "organization_requested",
    subject: "{{ user.email }} asks for the organization {{ organization.name }} on {{ portal_name }}",
    text: "{{ user.first_name }} {{ user.last_name }} ({{ user.email }}) asks for a new organization, \
           \"{{ organization.name }}\". Approve or reject it on Organizations:\n\n{{ organizations_url }}\n\n\
           Requests in the next 15 minutes are not emailed about separately: Organizations lists \
           every pending request.\n",
    html: "<p>{{ user.first_name }} {{ user.last_name }} ({{ user.email }}) asks for a new organization, \
           <strong>{{ organization.name }}</strong>.</p>\
           <p><a href=\"{{ organizations_url }}\">Open Organizations</a> to approve or reject it.</p>\
           <p>Requests in the next 15 minutes are not emailed about separately: Organizations lists \
           every pending request.</p>",
};

pub const ORGANIZATION_APPROVED: Template = Template {
    kind: "organization_approved",
    subject: "Your organization {{ organization.name }} on {{ portal_name }} was approved",
    text: "Hello {{ user.first_name }},\n\n\
           Your organization {{ organization.name }} was created and you are its consumer admin: \
           invite your colleagues from My dashboard.\n\n{{ dashboard_url }}\n",
    html: "<p>Hello {{ user.first_name }},</p>\
           <p>Your organization <strong>{{ organization.name }}</strong> was created and you are its \
           consumer admin: invite your colleagues from My dashboard.</p>\
           <p><a href=\"{{ dashboard_url }}\">Open My dashboard</a></p>",
};

pub const ORGANIZATION_REJECTED: Template = Template {
    kind: "organization_rejected",
    subject: "Your organization request on {{ portal_name }}",
    text: "Hello {{ user.first_name }},\n\n\
           We are sorry: your request for the organization {{ organization.name }} was declined.\n\n\
           {{ reason }}\n",
    html: "<p>Hello {{ user.first_name }},</p>\
           <p>We are sorry: your request for the organization <strong>{{ organization.name }}</strong> \
           was declined.</p><p>{{ reason }}</p>",
};

pub const ACCESS_REQUESTED: Template = Template {
    kind: "access_requested",
    subject: "{{ user.email }} asks for {{ product.name }} ({{ plan.name }}) on {{ portal_name }}",
    text: "{{ user.first_name }} {{ user.last_name }} ({{ user.email }}) asks for access to \
           {{ product.name }} with the plan {{ plan.name }} for the app \"{{ app.name }}\".\n\n\
           {{ comment }}\n\nApprove or reject it on Access requests:\n\n{{ requests_url }}\n\n\
           Requests in the next 15 minutes are not emailed about separately: Access requests \
           lists every pending request.\n",
    html: "<p>{{ user.first_name }} {{ user.last_name }} ({{ user.email }}) asks for access to \
           <strong>{{ product.name }}</strong> with the plan <strong>{{ plan.name }}</strong> for \
           the app \"{{ app.name }}\".</p><p>{{ comment }}</p>\
           <p><a href=\"{{ requests_url }}\">Open Access requests</a> to approve or reject it.</p>\
           <p>Requests in the next 15 minutes are not emailed about separately: Access requests \
           lists every pending request.</p>",
};

pub const ACCESS_APPROVED: Template = Template {
    kind: "access_approved",
    subject: "Your access to {{ product.name }} on {{ portal_name }} was approved",
    text: "Hello {{ user.first_name }},\n\n\
           Your request for {{ product.name }} ({{ plan.name }}) for the app \"{{ app.name }}\" was \
           approved. Open the app to see your API key (it is shown once):\n\n{{ app_url }}\n",
    html: "<p>Hello {{ user.first_name }},</p>\
           <p>Your request for <strong>{{ product.name }}</strong> ({{ plan.name }}) for the app \
           \"{{ app.name }}\" was approved.</p>\
           <p><a href=\"{{ app_url }}\">Open the app</a> to see your API key (it is shown once).</p>",
};

pub const ACCESS_REJECTED: Template = Template {
    kind: "access_rejected",
    subject: "Your access request for {{ product.name }} on {{ portal_name }}",
    text: "Hello {{ user.first_name }},\n\n\
           We are sorry: your request for {{ product.name }} ({{ plan.name }}) for the app \
           \"{{ app.name }}\" was declined.\n\n{{ reason }}\n",
    html: "<p>Hello {{ user.first_name }},</p>\
           <p>We are sorry: your request for <strong>{{ product.name }}</strong> ({{ plan.name }}) \
           for the app \"{{ app.name }}\" was declined.</p><p>{{ reason }}</p>",
};
