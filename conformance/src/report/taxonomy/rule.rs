//! A rule of the taxonomy and the ids it carries.

/// An OWASP API Security Top 10 (2023) category the rules are filed
/// under (none is under API6 or API7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owasp {
    Api1,
    Api2,
    Api3,
    Api4,
    Api5,
    Api8,
    Api9,
    Api10,
}

impl Owasp {
    /// `API1:2023` … `API10:2023`.
    pub fn id(self) -> &'static str {
        match self {
            Self::Api1 => "API1:2023",
            Self::Api2 => "API2:2023",
            Self::Api3 => "API3:2023",
            Self::Api4 => "API4:2023",
            Self::Api5 => "API5:2023",
            Self::Api8 => "API8:2023",
            Self::Api9 => "API9:2023",
            Self::Api10 => "API10:2023",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Api1 => "Broken Object Level Authorization",
            Self::Api2 => "Broken Authentication",
            Self::Api3 => "Broken Object Property Level Authorization",
            Self::Api4 => "Unrestricted Resource Consumption",
            Self::Api5 => "Broken Function Level Authorization",
            Self::Api8 => "Security Misconfiguration",
            Self::Api9 => "Improper Inventory Management",
            Self::Api10 => "Unsafe Consumption of APIs",
        }
    }
}

/// How bad a broken rule is, for tools that rank alerts (GitHub's
/// `security-severity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

impl Severity {
    /// A CVSS-like score in GitHub's bands for `security-severity` (9.0 and
    /// over critical, 7.0 high, 4.0 medium, below that low).
    pub fn score(self) -> &'static str {
        match self {
            Self::Critical => "9.1",
            Self::High => "7.5",
            Self::Medium => "5.3",
            Self::Low => "3.1",
        }
    }
}

/// A scenario family: one rule of the suite.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable: `TC-` and upper-case words. Its tag in the feature files is
    /// the same in lower case (`@tc-alg-none`).
    pub id: &'static str,
    pub name: &'static str,
    /// What it checks, what an attacker gains, how to fix it.
    pub help: &'static str,
    /// The CWE number.
    pub cwe: u32,
    pub owasp: Owasp,
    pub severity: Severity,
}

impl Rule {
    /// `CWE-306`.
    pub fn cwe_id(&self) -> String {
        format!("CWE-{}", self.cwe)
    }

    /// The ids in one short line, as every report shows them:
    /// `CWE-306 · OWASP API2:2023`.
    pub fn ids(&self) -> String {
        format!("{} · OWASP {}", self.cwe_id(), self.owasp.id())
    }

    /// The feature-file tag that puts a scenario in this family, without `@`.
    pub fn tag(&self) -> String {
        self.id.to_ascii_lowercase()
    }
}
