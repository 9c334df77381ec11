//! Evidence a learner offers against pathway criteria: what kinds there are,
//! which uploaded files are accepted (the type read from the content, never
//! from the name), and the status a piece of evidence is in.

use serde::{Deserialize, Serialize};

/// What a piece of evidence is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// A written reflection.
    Reflection,
    /// An uploaded file (PDF, image, Word).
    File,
    /// A record of observed practice made by an assessor.
    Observation,
}

impl EvidenceKind {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            EvidenceKind::Reflection => "reflection",
            EvidenceKind::File => "file",
            EvidenceKind::Observation => "observation",
        }
    }

    /// Reads a stored code.
    pub fn from_code(s: &str) -> Option<EvidenceKind> {
        [
            EvidenceKind::Reflection,
            EvidenceKind::File,
            EvidenceKind::Observation,
        ]
        .into_iter()
        .find(|k| k.code() == s.trim())
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            EvidenceKind::Reflection => "Written reflection",
            EvidenceKind::File => "File",
            EvidenceKind::Observation => "Observed practice",
        }
    }
}

/// A file type Pathwise accepts as evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileType {
    /// PDF.
    Pdf,
    /// PNG image.
    Png,
    /// JPEG image.
    Jpeg,
    /// Word document (.docx).
    Docx,
    /// Older Word document (.doc).
    Doc,
}

impl FileType {
    /// The MIME type it is served with.
    pub fn mime(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Png => "image/png",
            FileType::Jpeg => "image/jpeg",
            FileType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileType::Doc => "application/msword",
        }
    }

    /// Reads a stored MIME type.
    pub fn from_mime(s: &str) -> Option<FileType> {
        [
            FileType::Pdf,
            FileType::Png,
            FileType::Jpeg,
            FileType::Docx,
            FileType::Doc,
        ]
        .into_iter()
        .find(|t| t.mime() == s)
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            FileType::Pdf => "pdf",
            FileType::Png => "png",
            FileType::Jpeg => "jpg",
            FileType::Docx => "docx",
            FileType::Doc => "doc",
        }
    }
}

/// Reads a file's type from its first bytes. A `.docx` is a zip archive whose
/// entries include `word/`; other zips are not Word documents.
pub fn sniff(bytes: &[u8]) -> Option<FileType> {
    if bytes.starts_with(b"%PDF-") {
        Some(FileType::Pdf)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(FileType::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileType::Jpeg)
    } else if bytes.starts_with(b"PK\x03\x04") && contains(bytes, b"word/") {
        Some(FileType::Docx)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Some(FileType::Doc)
    } else {
        None
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Why an upload is refused, in words for the person uploading.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UploadRefused {
    /// No file was chosen, or it is empty.
    #[error("Choose a file to upload")]
    Empty,
    /// Over the size limit.
    #[error("The file must be smaller than {limit_mb} MB (this one is {size_mb:.1} MB)")]
    TooLarge {
        /// The limit in MB.
        limit_mb: u64,
        /// The file's size in MB.
        size_mb: f64,
    },
    /// Not a type Pathwise accepts.
    #[error("The file must be a PDF, a PNG or JPEG image, or a Word document; '{name}' is not")]
    WrongType {
        /// The file's name as uploaded.
        name: String,
    },
}

/// Checks an upload: not empty, at most `limit_bytes`, and a PDF, image or
/// Word document by its content.
pub fn check_upload(name: &str, bytes: &[u8], limit_bytes: u64) -> Result<FileType, UploadRefused> {
    if bytes.is_empty() {
        return Err(UploadRefused::Empty);
    }
    if bytes.len() as u64 > limit_bytes {
        return Err(too_large(bytes.len() as u64, limit_bytes));
    }
    sniff(bytes).ok_or_else(|| UploadRefused::WrongType {
        name: name.to_string(),
    })
}

/// The refusal for a file of `size` bytes over `limit_bytes`.
pub fn too_large(size: u64, limit_bytes: u64) -> UploadRefused {
    UploadRefused::TooLarge {
        limit_mb: limit_bytes.div_ceil(1024 * 1024),
        size_mb: size as f64 / (1024.0 * 1024.0),
    }
}

/// A file name safe to send back in a header: letters, digits, dot, dash and
/// underscore kept, anything else replaced, at most 100 characters.
pub fn safe_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    if cleaned.trim_matches(['.', '_']).is_empty() {
        "evidence".into()
    } else {
        cleaned
    }
}

/// Where a piece of evidence stands: its latest decision decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceStatus {
    /// Waiting for an assessor.
    Waiting,
    /// Accepted; the criteria it was offered for are signed off.
    Accepted,
    /// Returned with feedback.
    Returned,
}

impl EvidenceStatus {
    /// The stored code of a decision.
    pub fn code(self) -> &'static str {
        match self {
            EvidenceStatus::Waiting => "waiting",
            EvidenceStatus::Accepted => "accepted",
            EvidenceStatus::Returned => "returned",
        }
    }

    /// Reads a stored code.
    pub fn from_code(s: &str) -> Option<EvidenceStatus> {
        [
            EvidenceStatus::Waiting,
            EvidenceStatus::Accepted,
            EvidenceStatus::Returned,
        ]
        .into_iter()
        .find(|k| k.code() == s.trim())
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            EvidenceStatus::Waiting => "Waiting for an assessor",
            EvidenceStatus::Accepted => "Accepted",
            EvidenceStatus::Returned => "Returned with feedback",
        }
    }
}

/// Why an evidence decision is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionRefused {
    /// The assessor is the learner or added the evidence.
    #[error("you cannot decide on evidence you added or that is about you; ask another assessor")]
    OwnEvidence,
    /// Returning evidence needs feedback.
    #[error("Give feedback so the learner knows what to change")]
    NoFeedback,
    /// The evidence already has a decision.
    #[error("This evidence has already been decided")]
    AlreadyDecided,
}

/// Who is deciding: their account, and their staff record if they have one
/// (an admin made from the command line has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decider {
    /// The deciding account.
    pub account: i64,
    /// The decider's staff record.
    pub person: Option<i64>,
}

/// Whom a piece of evidence is about and who added it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Provenance {
    /// The learner's staff record.
    pub learner: i64,
    /// The account that added it.
    pub added_by_account: Option<i64>,
    /// The staff record of whoever added it.
    pub added_by_person: Option<i64>,
}

impl Decider {
    /// Whether the evidence is about the decider or was added by them,
    /// compared by account as well as by staff record, so that an account
    /// with no staff record still counts as the one who added it.
    pub fn is_party_to(&self, e: &Provenance) -> bool {
        e.added_by_account == Some(self.account)
            || self
                .person
                .is_some_and(|p| p == e.learner || e.added_by_person == Some(p))
    }
}

/// Checks a decision on evidence: nobody decides on evidence about themself
/// or that they added (the four-eyes rule), returning needs feedback, and
/// only waiting evidence is decided.
pub fn check_evidence_decision(
    decider: Decider,
    evidence: Provenance,
    status: EvidenceStatus,
    accept: bool,
    feedback: &str,
) -> Result<(), DecisionRefused> {
    if decider.is_party_to(&evidence) {
        return Err(DecisionRefused::OwnEvidence);
    }
    if status != EvidenceStatus::Waiting {
        return Err(DecisionRefused::AlreadyDecided);
    }
    if !accept && feedback.trim().is_empty() {
        return Err(DecisionRefused::NoFeedback);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_types_are_read_from_content_not_the_name() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(FileType::Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(FileType::Png));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some(FileType::Jpeg));
        assert_eq!(
            sniff(b"PK\x03\x04....[Content_Types].xml....word/document.xml"),
            Some(FileType::Docx)
        );
        assert_eq!(
            sniff(b"PK\x03\x04....xl/workbook.xml"),
            None,
            "a spreadsheet"
        );
        assert_eq!(sniff(b"MZ\x90\x00 a program"), None);
        assert_eq!(sniff(b"<html><script>"), None);
        let e = check_upload("notes.pdf", b"#!/bin/sh\necho hi", 1024).unwrap_err();
        assert!(e.to_string().contains("'notes.pdf' is not"), "{e}");
    }

    #[test]
    fn uploads_over_the_limit_or_empty_are_refused() {
        let big = vec![b'%'; 2 * 1024 * 1024 + 1];
        let e = check_upload("scan.pdf", &big, 2 * 1024 * 1024).unwrap_err();
        assert_eq!(
            e.to_string(),
            "The file must be smaller than 2 MB (this one is 2.0 MB)"
        );
        assert_eq!(check_upload("x.pdf", b"", 10), Err(UploadRefused::Empty));
        assert_eq!(check_upload("x.pdf", b"%PDF-1.4", 10), Ok(FileType::Pdf));
    }

    #[test]
    fn file_names_are_cleaned_for_headers() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("my \"notes\".pdf"), "my__notes_.pdf");
        assert_eq!(safe_file_name("..."), "evidence");
    }

    #[test]
    fn nobody_decides_on_their_own_evidence_and_returns_need_feedback() {
        use EvidenceStatus::*;
        let staff = |account, person| Decider {
            account,
            person: Some(person),
        };
        let by_learner = Provenance {
            learner: 5,
            added_by_account: Some(50),
            added_by_person: Some(5),
        };
        assert_eq!(
            check_evidence_decision(staff(50, 5), by_learner, Waiting, true, ""),
            Err(DecisionRefused::OwnEvidence)
        );
        let observed_by_7 = Provenance {
            learner: 5,
            added_by_account: Some(70),
            added_by_person: Some(7),
        };
        assert_eq!(
            check_evidence_decision(staff(70, 7), observed_by_7, Waiting, true, ""),
            Err(DecisionRefused::OwnEvidence),
            "an assessor who recorded the observation asks another to decide"
        );
        assert_eq!(
            check_evidence_decision(staff(70, 7), by_learner, Waiting, true, ""),
            Ok(())
        );
        assert_eq!(
            check_evidence_decision(staff(70, 7), by_learner, Waiting, false, "  "),
            Err(DecisionRefused::NoFeedback)
        );
        assert_eq!(
            check_evidence_decision(staff(70, 7), by_learner, Accepted, true, ""),
            Err(DecisionRefused::AlreadyDecided)
        );
    }

    #[test]
    fn an_account_without_a_staff_record_cannot_decide_on_what_it_added() {
        use EvidenceStatus::*;
        let admin = Decider {
            account: 9,
            person: None,
        };
        let added_by_admin = Provenance {
            learner: 5,
            added_by_account: Some(9),
            added_by_person: None,
        };
        assert_eq!(
            check_evidence_decision(admin, added_by_admin, Waiting, true, ""),
            Err(DecisionRefused::OwnEvidence)
        );
        let added_by_another_admin = Provenance {
            added_by_account: Some(8),
            ..added_by_admin
        };
        assert_eq!(
            check_evidence_decision(admin, added_by_another_admin, Waiting, true, ""),
            Ok(()),
            "two accounts without staff records are not the same person"
        );
    }
}
