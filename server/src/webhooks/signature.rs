//! Standard Webhooks signatures: `v1,` and the base64 of
//! HMAC-SHA256(key, "{msg_id}.{timestamp}.{body}"), the key being the
//! base64 after a secret's `whsec_`.

use base64::{Engine, engine::general_purpose::STANDARD};
use hmac::{Hmac, Mac};
use sha2::Sha256;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the endpoint's secret is not a whsec_ key")]
pub struct BadSecret;

/// The `webhook-signature` header: one signature per secret, separated by
/// spaces (receivers accept any one of them; that is how rotation works).
pub fn header(secrets: &[String], msg_id: &str, timestamp: i64, body: &str) -> Result<String, BadSecret> {
    let signatures: Result<Vec<String>, BadSecret> =
        secrets.iter().map(|secret| sign(secret, msg_id, timestamp, body)).collect();
    Ok(signatures?.join(" "))
}

pub fn sign(secret: &str, msg_id: &str, timestamp: i64, body: &str) -> Result<String, BadSecret> {
    let key = secret.strip_prefix("whsec_").ok_or(BadSecret)?;
    let key = STANDARD.decode(key).map_err(|_| BadSecret)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| BadSecret)?;
    mac.update(format!("{msg_id}.{timestamp}.{body}").as_bytes());
    Ok(format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks specification's reference
    /// libraries (secret, id, timestamp and body as published there).
    #[test]
    fn signs_the_specifications_example() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let signature =
            sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, r#"{"test": 2432232314}"#).unwrap();
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn every_secret_signs_and_a_bad_one_is_refused() {
        let secrets = ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned(), "whsec_AAAA".to_owned()];
        let header = header(&secrets, "msg_1", 1, "{}").unwrap();
        assert_eq!(header.split(' ').count(), 2);
        assert!(header.split(' ').all(|s| s.starts_with("v1,")));
        assert_eq!(sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_1", 1, "{}"), Err(BadSecret));
        assert_eq!(sign("whsec_not base64!", "msg_1", 1, "{}"), Err(BadSecret));
    }
}
