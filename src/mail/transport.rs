//! Where messages go: an SMTP server (lettre's pooled async client) or, without `SMTP_URL`, a
//! folder of `.eml` files. A failed send says whether trying again later may succeed.

use super::MailSettings;
use lettre::transport::smtp::Error as SmtpError;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;

#[derive(Clone)]
pub enum Transport {
    Smtp {
        client: AsyncSmtpTransport<Tokio1Executor>,
        /// The URL without its password, for the start-up line.
        shown: String,
    },
    Folder {
        client: AsyncFileTransport<Tokio1Executor>,
        dir: PathBuf,
    },
}

/// Why a message was not sent.
#[derive(Debug)]
pub struct SendError {
    /// A 4xx reply, a refused or dropped connection, a timeout: try again later.
    pub temporary: bool,
    /// What happened, for the delivery log: never the message's content.
    pub reason: String,
    /// The server's reply, when there was one.
    pub reply: Option<String>,
}

impl Transport {
    /// The transport the settings name. Errors say what is wrong with `SMTP_URL`.
    pub fn from_settings(settings: &MailSettings) -> Result<Self, String> {
        match &settings.smtp_url {
            Some(url) => {
                let url = with_tls_default(url)?;
                let client = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
                    .map_err(|e| format!("SMTP_URL: {e}"))?
                    .timeout(Some(std::time::Duration::from_secs(30)))
                    .build();
                Ok(Transport::Smtp {
                    client,
                    shown: crate::domain::secret::redact_url(&url),
                })
            }
            None => {
                // Made at the first message, so a server that sends nothing leaves no folder.
                let dir = settings.outbox_dir.clone();
                Ok(Transport::Folder {
                    client: AsyncFileTransport::<Tokio1Executor>::new(&dir),
                    dir,
                })
            }
        }
    }

    /// Where mail goes, safe to print.
    pub fn describe(&self) -> String {
        match self {
            Transport::Smtp { shown, .. } => format!("SMTP server {shown}"),
            Transport::Folder { dir, .. } => {
                let shown = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone());
                format!("the folder {} (one .eml file a message)", shown.display())
            }
        }
    }

    /// Sends one message; the server's reply (or the file's id) on success.
    pub async fn send(&self, message: Message) -> Result<String, SendError> {
        match self {
            Transport::Smtp { client, .. } => match client.send(message).await {
                Ok(response) => Ok(format!(
                    "{} {}",
                    response.code(),
                    response.message().collect::<Vec<_>>().join(" ")
                )),
                Err(err) => Err(classify(&err)),
            },
            Transport::Folder { client, dir } => match async {
                tokio::fs::create_dir_all(dir).await?;
                client.send(message).await.map_err(std::io::Error::other)
            }
            .await
            {
                Ok(id) => Ok(format!("written to {id}.eml")),
                Err(err) => Err(SendError {
                    temporary: true,
                    reason: format!("could not write the message file: {err}"),
                    reply: None,
                }),
            },
        }
    }
}

/// A 5xx reply is permanent; anything else (4xx, no connection, a timeout, TLS trouble that an
/// operator can fix) is worth another try.
fn classify(err: &SmtpError) -> SendError {
    let reply = err.status().map(|code| code.to_string());
    SendError {
        temporary: !err.is_permanent(),
        reason: err.to_string(),
        reply,
    }
}

/// lettre sends plain `smtp://` in clear. Ours upgrades with STARTTLS when the server offers it,
/// and insists on it when the URL carries credentials (they must never cross in clear); an
/// explicit `?tls=` wins.
fn with_tls_default(url: &str) -> Result<String, String> {
    let mut parsed = url::Url::parse(url).map_err(|e| format!("SMTP_URL is not a URL ({e})"))?;
    if parsed.scheme() == "smtp" && !parsed.query_pairs().any(|(k, _)| k == "tls") {
        let tls = if parsed.password().is_some() {
            "required"
        } else {
            "opportunistic"
        };
        parsed.query_pairs_mut().append_pair("tls", tls);
    }
    Ok(parsed.to_string())
}

#[cfg(test)]
mod tests {
    use super::with_tls_default;

    #[test]
    fn plain_smtp_upgrades_and_credentials_require_tls() {
        assert_eq!(
            with_tls_default("smtp://127.0.0.1:2525").unwrap(),
            "smtp://127.0.0.1:2525?tls=opportunistic"
        );
        assert_eq!(
            with_tls_default("smtp://u:p@mail.example:587").unwrap(),
            "smtp://u:p@mail.example:587?tls=required"
        );
        assert_eq!(
            with_tls_default("smtp://h:25?tls=required").unwrap(),
            "smtp://h:25?tls=required"
        );
        assert_eq!(with_tls_default("smtps://h:465").unwrap(), "smtps://h:465");
    }
}
