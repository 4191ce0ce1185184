//! Getting in: the login, signup and invite-acceptance forms.

pub mod invite;
pub mod login;
pub mod signup;
