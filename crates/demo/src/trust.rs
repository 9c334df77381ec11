//! The invented trust: its sites, teams and roles, names, holdings and
//! interests, and the small random helpers that place staff in it.

use super::*;

pub(crate) const ORG_CODE: &str = "DEMO";
pub(crate) const ORG_NAME: &str = "Northgate and Riverside NHS Foundation Trust";

pub(crate) const FIRST: &[&str] = &[
    "Amara", "Bea", "Callum", "Dalia", "Eitan", "Farah", "Gethin", "Hana", "Idris", "Jolene",
    "Kofi", "Lena", "Marek", "Nia", "Oisin", "Priya", "Quinn", "Rosa", "Sami", "Tegan", "Umar",
    "Vera", "Wren", "Xander", "Yusra", "Zoltan", "Ayo", "Bryony", "Ciaran", "Delyth", "Emeka",
    "Fern", "Gwen", "Hamza", "Ines", "Jai", "Kezia", "Luca", "Maeve", "Nasir", "Orla", "Pavel",
    "Rhian", "Suki", "Tomasz", "Una", "Vikram", "Willa", "Yara", "Zain",
];
pub(crate) const LAST: &[&str] = &[
    "Ashdown",
    "Brightwater",
    "Calloway",
    "Dunmore",
    "Ellery",
    "Fairweather",
    "Greaves",
    "Hollin",
    "Inchley",
    "Jarrow",
    "Kestrel",
    "Larkham",
    "Merriman",
    "Northcote",
    "Oakes",
    "Pennant",
    "Quarrie",
    "Rowntree",
    "Saltash",
    "Thistlewood",
    "Underhill",
    "Vance",
    "Whitlow",
    "Yarrow",
    "Zeal",
    "Okonjo",
    "Bhattar",
    "Castellane",
    "Duarte",
    "Evanov",
    "Farrant",
    "Gallacher",
    "Haddow",
    "Iqbalani",
    "Jessop",
    "Kowalczyk",
    "Lindqvist",
    "Mbeki-Hart",
    "Nakamura-Bell",
    "Ostrander",
];

pub(crate) struct SiteSpec {
    /// The short code rotas name it by.
    pub(crate) code: &'static str,
    pub(crate) name: &'static str,
    pub(crate) kind: &'static str,
    pub(crate) share: f64,
    /// Team roles with weights; a team is led by `lead`.
    pub(crate) teams: &'static [Team],
    /// Roles that help learners and must be present (one or two each).
    pub(crate) helpers: &'static [&'static str],
}

pub(crate) struct Team {
    pub(crate) lead: &'static str,
    pub(crate) members: &'static [(&'static str, u32)],
}

pub(crate) const NURSING_TEAM: Team = Team {
    lead: "ward-manager",
    members: &[
        ("hcsw", 30),
        ("hcsw-personal-care", 8),
        ("senior-hcsw", 6),
        ("nurse-adult", 25),
        ("senior-staff-nurse", 6),
        ("nursing-associate", 4),
        ("trainee-nursing-associate", 3),
        ("assistant-practitioner", 3),
        ("ward-clerk", 3),
        ("ward-housekeeper", 2),
    ],
};
pub(crate) const THEATRE_TEAM: Team = Team {
    lead: "ward-manager",
    members: &[
        ("theatre-support-worker", 10),
        ("operating-department-practitioner", 8),
        ("nurse-adult", 6),
        ("hcsw", 3),
    ],
};
pub(crate) const MATERNITY_TEAM: Team = Team {
    lead: "ward-manager",
    members: &[
        ("maternity-support-worker", 10),
        ("midwife", 12),
        ("hcsw", 2),
    ],
};
pub(crate) const THERAPY_TEAM: Team = Team {
    lead: "service-manager",
    members: &[
        ("physio-support-worker", 6),
        ("ot-support-worker", 6),
        ("therapy-assistant-practitioner", 2),
        ("physiotherapist", 6),
        ("occupational-therapist", 6),
        ("slt-assistant", 1),
        ("speech-and-language-therapist", 2),
        ("dietetic-assistant", 1),
        ("dietitian", 2),
    ],
};
pub(crate) const DIAGNOSTICS_TEAM: Team = Team {
    lead: "service-manager",
    members: &[
        ("phlebotomist", 8),
        ("imaging-support-worker", 4),
        ("diagnostic-radiographer", 5),
        ("medical-laboratory-assistant", 4),
        ("hcs-assistant", 3),
        ("biomedical-scientist", 4),
        ("pharmacy-assistant", 3),
        ("trainee-pharmacy-technician", 1),
        ("pharmacy-technician", 3),
        ("pharmacist", 2),
    ],
};
pub(crate) const ADMIN_TEAM: Team = Team {
    lead: "team-leader",
    members: &[
        ("receptionist", 6),
        ("ward-clerk", 5),
        ("medical-secretary", 6),
        ("booking-coordinator", 6),
        ("pathway-coordinator", 2),
        ("business-administrator", 3),
        ("admin-apprentice", 1),
        ("clinical-coder", 2),
        ("it-service-desk-analyst", 1),
    ],
};
pub(crate) const FACILITIES_TEAM: Team = Team {
    lead: "facilities-supervisor",
    members: &[
        ("domestic-assistant", 10),
        ("porter", 8),
        ("catering-assistant", 5),
        ("ward-housekeeper", 3),
    ],
};
pub(crate) const COMMUNITY_TEAM: Team = Team {
    lead: "ward-manager",
    members: &[
        ("hcsw", 20),
        ("senior-hcsw", 6),
        ("district-nurse", 8),
        ("nurse-adult", 12),
        ("nursing-associate", 3),
        ("podiatry-assistant", 2),
        ("podiatrist", 2),
        ("physio-support-worker", 2),
    ],
};
pub(crate) const MH_TEAM: Team = Team {
    lead: "ward-manager",
    members: &[
        ("mh-support-worker", 24),
        ("peer-support-worker", 4),
        ("ld-support-worker", 5),
        ("nurse-mental-health", 18),
        ("nurse-learning-disability", 3),
        ("senior-staff-nurse", 3),
        ("ot-support-worker", 2),
        ("occupational-therapist", 2),
    ],
};

pub(crate) const SITES: [SiteSpec; 3] = [
    SiteSpec {
        code: "NGH",
        name: "Northgate General Hospital",
        kind: "Acute hospital",
        share: 0.6,
        teams: &[
            NURSING_TEAM,
            NURSING_TEAM,
            NURSING_TEAM,
            THEATRE_TEAM,
            MATERNITY_TEAM,
            THERAPY_TEAM,
            DIAGNOSTICS_TEAM,
            ADMIN_TEAM,
            FACILITIES_TEAM,
        ],
        helpers: &[
            "practice-educator",
            "apprenticeship-lead",
            "phlebotomist",
            "operating-department-practitioner",
            "midwife",
            "physiotherapist",
            "occupational-therapist",
            "biomedical-scientist",
            "team-leader",
            "booking-team-lead",
            "clinical-coder",
            "data-analyst",
            "pharmacy-technician",
        ],
    },
    SiteSpec {
        code: "RCS",
        name: "Riverside Community Services",
        kind: "Community services",
        share: 0.25,
        teams: &[COMMUNITY_TEAM, COMMUNITY_TEAM, THERAPY_TEAM, ADMIN_TEAM],
        helpers: &[
            "practice-educator",
            "apprenticeship-lead",
            "district-nurse",
            "team-leader",
            "booking-team-lead",
            "physiotherapist",
        ],
    },
    SiteSpec {
        code: "BHM",
        name: "Beacon House Mental Health Unit",
        kind: "Mental health unit",
        share: 0.15,
        teams: &[MH_TEAM, MH_TEAM, ADMIN_TEAM, FACILITIES_TEAM],
        helpers: &[
            "practice-educator",
            "apprenticeship-lead",
            "nurse-mental-health",
            "team-leader",
            "occupational-therapist",
        ],
    },
];

/// Items staff may already hold, with the share of support staff holding each.
pub(crate) const HOLDINGS: &[(&str, f64)] = &[
    ("Care Certificate", 0.85),
    ("Functional skills English level 2", 0.6),
    ("Functional skills maths level 2", 0.45),
    ("Level 3 qualification", 0.2),
    ("Observed clinical observations (NEWS2)", 0.65),
    ("Manager's support for release", 0.25),
    ("Enhanced DBS check", 0.95),
    ("Patient booking system competence", 0.3),
    ("Venepuncture competence", 0.15),
    ("De-escalation and breakaway training", 0.3),
    ("Supervision of new starters", 0.2),
];

pub(crate) const INTERESTS: &[&str] = &[
    "health",
    "health",
    "nurse-adult",
    "nurse-mental-health",
    "midwife",
    "administration",
    "healthcare_science",
    "management",
    "physiotherapist",
    "operating-department-practitioner",
];

pub(crate) fn name(rng: &mut StdRng) -> String {
    format!(
        "{} {}",
        FIRST[rng.random_range(0..FIRST.len())],
        LAST[rng.random_range(0..LAST.len())]
    )
}

pub(crate) fn pick_weighted<'a>(rng: &mut StdRng, items: &'a [(&'a str, u32)]) -> &'a str {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.random_range(0..total);
    for (code, w) in items {
        if x < *w {
            return code;
        }
        x -= w;
    }
    items[0].0
}

pub(crate) fn started(rng: &mut StdRng, today: Date, max_months: u32) -> Date {
    today.months_before(rng.random_range(1..=max_months))
}

pub(crate) fn new_person(site_id: i64, name: String, role: &str, role_started: Date) -> NewPerson {
    NewPerson {
        site_id,
        name,
        role_code: role.to_string(),
        role_started,
        manager_id: None,
        interests: vec![],
        assignment_number: None,
    }
}
