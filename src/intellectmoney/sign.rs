//! The `Sign` header (dialects.md §3.2, §3.5): SHA-256 over the values a method's signature
//! names, joined with `::`, the `SignSecretKey` last. A name not sent leaves an empty
//! segment, so the layout (and the hash) depends only on which slot holds what.

use sha2::{Digest, Sha256};

use super::fields::Fields;

/// One method's signature: the field names in order (`""` for a slot that method always
/// leaves empty). The secret is not a slot: it is appended by [`Signature::string_to_sign`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signature(&'static [&'static str]);

/// getScheduledOperationData (seed 003): the 16-slot scheduler layout, `EndExecDate` empty.
pub const GET_SCHEDULED: Signature = Signature(&[
    "UserToken",
    "Skip",
    "Take",
    "Operation",
    "ObjectId",
    "ObjectTypeVal",
    "ParamsJson",
    "RepeatPlan",
    "RetryOnFailPlan",
    "RetryOnFailCount",
    "IsSingle",
    "FireOnSkip",
    "State",
    "DateFrom",
    "DateTo",
    "",
]);

/// setScheduledOperationData: the same 16 slots, `Skip`, `Take`, `DateFrom`, `DateTo` empty.
pub const SET_SCHEDULED: Signature = Signature(&[
    "UserToken",
    "",
    "",
    "Operation",
    "ObjectId",
    "ObjectTypeVal",
    "ParamsJson",
    "RepeatPlan",
    "RetryOnFailPlan",
    "RetryOnFailCount",
    "IsSingle",
    "FireOnSkip",
    "State",
    "",
    "",
    "EndExecDate",
]);

/// recurring/deactivate.
pub const DEACTIVATE: Signature = Signature(&["UserToken", "SourceInvoiceId"]);

/// user/getUserToken (an emulator decision: the real signature is unconfirmed).
pub const GET_USER_TOKEN: Signature = Signature(&["Login", "Password"]);

impl Signature {
    /// The field names in order, `""` for an always-empty slot.
    pub fn names(&self) -> &'static [&'static str] {
        self.0
    }

    /// The string that is hashed: each field's sign text (fields looked up
    /// case-insensitively) joined with "::", then "::" + secret.
    pub fn string_to_sign(&self, fields: &Fields, secret: &str) -> String {
        let mut text = String::new();
        for name in self.0 {
            // An always-empty slot is never looked up: a field named "" is not its value.
            if !name.is_empty() {
                text.push_str(&fields.sign_text(name));
            }
            text.push_str("::");
        }
        text.push_str(secret);
        text
    }

    /// Lowercase hex SHA-256 of [`Signature::string_to_sign`] as UTF-8.
    pub fn sign(&self, fields: &Fields, secret: &str) -> String {
        hex_sha256(&self.string_to_sign(fields, secret))
    }

    /// Whether `sent` is the signature: hex compared case-insensitively (the docs show
    /// lowercase, .NET's `ToString("X2")` gives uppercase), surrounding whitespace ignored.
    pub fn verify(&self, fields: &Fields, secret: &str, sent: &str) -> bool {
        self.sign(fields, secret).eq_ignore_ascii_case(sent.trim())
    }
}

/// Lowercase hex SHA-256 of a text's UTF-8 bytes.
pub fn hex_sha256(text: &str) -> String {
    use std::fmt::Write;
    Sha256::digest(text.as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "YdUlqkFcVo62XmY6B9VLJXCoAeA/0fJPxD4/kUUGmwHf5kgBa12MrKUyJd8uO0za";
    const SECRET: &str = "mySignSecretKey";
    const SEED_BODY: &str =
        "UserToken=YdUlqkFcVo62XmY6B9VLJXCoAeA/0fJPxD4/kUUGmwHf5kgBa12MrKUyJd8uO0za&Skip=10&Take=5&Operation=aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
    const GET_HASH: &str = "71218452970af8cac01d47885554a58f23ad162b93c75de40663fd28a1f72538";
    const SET_HASH: &str = "fba4e15c51e7f2323b3de0472478dffdaa60b41dbaa1313580b83f7b8b144f16";

    fn fields(body: &str) -> Fields {
        Fields::parse(body.as_bytes()).unwrap()
    }

    #[test]
    fn the_seed_get_body_matches_the_published_vector() {
        let body = fields(SEED_BODY);
        assert_eq!(
            GET_SCHEDULED.string_to_sign(&body, SECRET),
            format!("{TOKEN}::10::5::aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee::::::::::::::::::::::::::mySignSecretKey")
        );
        assert_eq!(GET_SCHEDULED.sign(&body, SECRET), GET_HASH);
        assert!(GET_SCHEDULED.verify(&body, SECRET, GET_HASH));
        assert!(GET_SCHEDULED.verify(&body, SECRET, &format!(" {} \n", GET_HASH.to_uppercase())));
        assert!(!GET_SCHEDULED.verify(&body, "otherSecret", GET_HASH));
        assert!(!SET_SCHEDULED.verify(&body, SECRET, GET_HASH));
    }

    #[test]
    fn the_seed_placeholder_sign_does_not_verify() {
        let placeholder = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(hex_sha256(""), placeholder);
        assert!(!GET_SCHEDULED.verify(&fields(SEED_BODY), SECRET, placeholder));
        assert!(!GET_SCHEDULED.verify(&fields(SEED_BODY), SECRET, ""));
    }

    #[test]
    fn a_set_body_matches_the_published_vector_as_form_json_and_xml() {
        let expected = format!(
            "{TOKEN}::::::::3496318551::1::{{\"Amount\":10}}::0 0 12 1/4 * ? *::0 0/15 * 1/1 * ? *::3::0::1::1::::::01.01.2030::mySignSecretKey"
        );
        let form = format!(
            "UserToken={TOKEN}&ObjectId=3496318551&ObjectTypeVal=1&ParamsJson=%7B%22Amount%22%3A10%7D\
             &RepeatPlan=0+0+12+1%2F4+*+%3F+*&RetryOnFailPlan=0%200/15%20*%201/1%20*%20?%20*\
             &RetryOnFailCount=3&IsSingle=0&FireOnSkip=1&State=1&EndExecDate=01.01.2030"
        );
        let json = format!(
            r#"{{"userToken": "{TOKEN}", "objectId": 3496318551, "objectTypeVal": 1,
                "paramsJson": {{ "Amount": 10 }}, "repeatPlan": "0 0 12 1/4 * ? *",
                "retryOnFailPlan": "0 0/15 * 1/1 * ? *", "retryOnFailCount": "3",
                "isSingle": false, "fireOnSkip": true, "state": 1, "endExecDate": "01.01.2030"}}"#
        );
        let xml = format!(
            "<Request><UserToken>{TOKEN}</UserToken><ObjectId>3496318551</ObjectId>\
             <ObjectTypeVal>1</ObjectTypeVal><ParamsJson>{{\"Amount\":10}}</ParamsJson>\
             <RepeatPlan>0 0 12 1/4 * ? *</RepeatPlan><RetryOnFailPlan>0 0/15 * 1/1 * ? *</RetryOnFailPlan>\
             <RetryOnFailCount>3</RetryOnFailCount><IsSingle>0</IsSingle><FireOnSkip>1</FireOnSkip>\
             <State>1</State><EndExecDate>01.01.2030</EndExecDate><Skip>7</Skip></Request>"
        );
        for body in [form, json, xml] {
            let body = fields(&body);
            assert_eq!(SET_SCHEDULED.string_to_sign(&body, SECRET), expected);
            assert_eq!(SET_SCHEDULED.sign(&body, SECRET), SET_HASH);
            assert!(SET_SCHEDULED.verify(&body, SECRET, SET_HASH));
        }
    }

    #[test]
    fn short_signatures() {
        let body = fields(r#"{"UserToken": "t", "SourceInvoiceId": 3000000001}"#);
        assert_eq!(
            DEACTIVATE.string_to_sign(&body, SECRET),
            "t::3000000001::mySignSecretKey"
        );
        let login = fields("login=demo&password=demo");
        assert_eq!(
            GET_USER_TOKEN.string_to_sign(&login, SECRET),
            "demo::demo::mySignSecretKey"
        );
        assert_eq!(GET_USER_TOKEN.names(), ["Login", "Password"]);
        assert_eq!(
            GET_USER_TOKEN.string_to_sign(&Fields::default(), "s"),
            "::::s"
        );
    }

    #[test]
    fn every_scheduler_signature_has_sixteen_slots() {
        assert_eq!(GET_SCHEDULED.names().len(), 16);
        assert_eq!(SET_SCHEDULED.names().len(), 16);
        // An empty-named field in a body never fills an always-empty slot.
        let body = fields("=x&UserToken=t");
        assert!(GET_SCHEDULED
            .string_to_sign(&body, "s")
            .starts_with("t::::"));
    }
}
