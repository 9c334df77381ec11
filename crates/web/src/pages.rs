//! Page routes: sign-in, a person's next options, the team view, the career
//! framework (with local additions for L&D admins), API tokens and the audit
//! trail. Every handler takes the signed-in user and asks the domain's access
//! rules before reading anyone's record.

use crate::auth::{self, CurrentUser, SESSION_COOKIE, SIGN_IN_CSRF_COOKIE};
use crate::error::{Error, Result};
use crate::exports::{Format, Table};
use crate::next_options;
use crate::views::*;
use crate::wire::NextOptionsDoc;
use crate::{AppState, today};
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use pathwise_domain::access::RecordOwner;
use pathwise_domain::{
    AppRole, Date, PathwayFamily, Requirement, RequirementKind, Role, Route, RouteKind, StaffGroup,
    Transition,
};
use pathwise_storage::catalogue::Scope;
use pathwise_storage::people::Person;
use pathwise_storage::{accounts, audit, catalogue, people};
use serde::Deserialize;
use std::collections::HashMap;

/// The page routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/sign-in", get(sign_in_form).post(sign_in))
        .route("/sign-out", post(sign_out))
        .route("/me", get(my_options))
        .route("/people/{id}", get(person_options))
        .route("/team", get(team))
        .route(
            "/team.csv",
            get(|s, u, q| team_export(s, u, q, Format::Csv)),
        )
        .route(
            "/team.xlsx",
            get(|s, u, q| team_export(s, u, q, Format::Xlsx)),
        )
        .route("/catalogue", get(catalogue_list))
        .route("/catalogue/roles", post(add_role))
        .route("/catalogue/roles/{code}", get(role_detail).post(edit_role))
        .route("/catalogue/transitions", post(add_transition))
        .route(
            "/catalogue/transitions/{id}/remove",
            post(remove_transition),
        )
        .route("/account/tokens", get(tokens).post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
        .route("/admin/audit", get(audit_page))
        .route(
            "/admin/audit.csv",
            get(|s, u, q| audit_export(s, u, q, Format::Csv)),
        )
        .route(
            "/admin/audit.xlsx",
            get(|s, u, q| audit_export(s, u, q, Format::Xlsx)),
        )
}

async fn home(user: Option<CurrentUser>) -> Redirect {
    match user {
        None => Redirect::to("/sign-in"),
        Some(u) if u.has(AppRole::Manager) => Redirect::to("/team"),
        Some(u) if u.account.person_id.is_some() && !u.has(AppRole::Analyst) => Redirect::to("/me"),
        Some(_) => Redirect::to("/catalogue"),
    }
}

// ---- sign in and out -------------------------------------------------------

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

fn sign_in_page(
    state: &AppState,
    email: &str,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Response {
    let csrf = auth::random_token();
    let cookie = auth::set_cookie(state, SIGN_IN_CSRF_COOKIE, &csrf, 3600);
    let page = SignInPage {
        layout: Layout::anonymous("Sign in"),
        form_csrf: csrf,
        email: email.to_string(),
        errors,
    };
    (status, [(header::SET_COOKIE, cookie)], page).into_response()
}

async fn sign_in_form(State(state): State<AppState>, user: Option<CurrentUser>) -> Response {
    if user.is_some() {
        return Redirect::to("/").into_response();
    }
    sign_in_page(&state, "", Vec::new(), StatusCode::OK)
}

fn field(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.into(),
    }
}

/// A fixed argon2 hash checked when no account matches, so that a wrong
/// email takes as long as a wrong password.
const NO_ACCOUNT_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2c2Pj0bXyMxvYbwBLm0GrwXL2m7NLk0tQdxl8m4X5SQ";

async fn sign_in(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response> {
    let cookie_csrf = auth::cookie(&headers, SIGN_IN_CSRF_COOKIE);
    let email = form.email.trim().to_lowercase();
    if !cookie_csrf.is_some_and(|c| auth::same_secret(c, &form.csrf)) {
        let e = field(
            "email",
            "Your sign-in form had expired. Enter your details again",
        );
        return Ok(sign_in_page(&state, &email, vec![e], StatusCode::FORBIDDEN));
    }
    let mut errors = Vec::new();
    if email.is_empty() {
        errors.push(field("email", "Enter your email address"));
    } else if !email.contains('@') {
        errors.push(field(
            "email",
            "Enter an email address in the correct format, like name@example.org",
        ));
    }
    if form.password.is_empty() {
        errors.push(field("password", "Enter your password"));
    }
    if !errors.is_empty() {
        return Ok(sign_in_page(
            &state,
            &email,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let now = auth::now();
    let account = accounts::by_email(&state.store, &email).await?;
    let org = account.as_ref().map(|a| a.org_id);
    let recent =
        accounts::failures_since(&state.store, &email, now - auth::THROTTLE_WINDOW_SECONDS).await?;
    if recent >= auth::MAX_FAILURES {
        audit::record(
            &state.store,
            org,
            None,
            now,
            "sign_in.throttled",
            &email,
            "too many failed attempts",
        )
        .await?;
        let e = field(
            "password",
            "Too many failed attempts. Wait 15 minutes, then try again, or ask your system administrator to help",
        );
        return Ok(sign_in_page(
            &state,
            &email,
            vec![e],
            StatusCode::TOO_MANY_REQUESTS,
        ));
    }
    let hash = account
        .as_ref()
        .map_or(NO_ACCOUNT_HASH, |a| a.password_hash.as_str())
        .to_string();
    let password = form.password.clone();
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(|e| Error::Internal(e.into()))?;
    let Some(account) = account.filter(|_| ok) else {
        accounts::record_failure(&state.store, &email, now).await?;
        audit::record(
            &state.store,
            org,
            None,
            now,
            "sign_in.failed",
            &email,
            "wrong email or password",
        )
        .await?;
        let e = field(
            "password",
            "The email address or password is not right. Check them and try again",
        );
        return Ok(sign_in_page(
            &state,
            &email,
            vec![e],
            StatusCode::UNAUTHORIZED,
        ));
    };
    accounts::clear_failures(&state.store, &email).await?;
    let token = auth::random_token();
    let csrf = auth::random_token();
    accounts::start_session(
        &state.store,
        &auth::token_hash(&token),
        account.id,
        &csrf,
        now,
        now + auth::SESSION_SECONDS,
    )
    .await?;
    audit::record(
        &state.store,
        Some(account.org_id),
        Some(account.id),
        now,
        "sign_in.succeeded",
        &email,
        "",
    )
    .await?;
    let session = auth::set_cookie(&state, SESSION_COOKIE, &token, auth::SESSION_SECONDS);
    let clear = auth::set_cookie(&state, SIGN_IN_CSRF_COOKIE, "", 0);
    Ok((
        StatusCode::SEE_OTHER,
        [(header::LOCATION, "/".to_string())],
        [(header::SET_COOKIE, session)],
        [(header::SET_COOKIE, clear)],
    )
        .into_response())
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn sign_out(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: axum::http::HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    user.check_csrf(&form.csrf)?;
    if let Some(token) = auth::cookie(&headers, SESSION_COOKIE) {
        accounts::end_session(&state.store, &auth::token_hash(token)).await?;
    }
    let clear = auth::set_cookie(&state, SESSION_COOKIE, "", 0);
    Ok((
        StatusCode::SEE_OTHER,
        [(header::LOCATION, "/sign-in".to_string())],
        [(header::SET_COOKIE, clear)],
    )
        .into_response())
}

// ---- next options ----------------------------------------------------------

/// Finds a person the user may see, or refuses (404, audited).
pub async fn visible_person(state: &AppState, user: &CurrentUser, id: i64) -> Result<Person> {
    let person = people::person(&state.store, id).await?;
    match person {
        Some(p)
            if user.viewer.may_view_person(&RecordOwner {
                org_id: p.org_id,
                person_id: p.id,
                manager_id: p.manager_id,
                site_id: p.site_id,
            }) =>
        {
            Ok(p)
        }
        _ => Err(auth::refuse(state, user, &format!("person:{id}")).await),
    }
}

/// The next options of a person the user may see.
pub async fn options_for(state: &AppState, user: &CurrentUser, id: i64) -> Result<NextOptionsDoc> {
    let person = visible_person(state, user, id).await?;
    next_options::for_person(state, &person, today()).await
}

async fn my_options(State(state): State<AppState>, user: CurrentUser) -> Result<NextOptionsPage> {
    let id = user.account.person_id.ok_or(Error::NotFound)?;
    let doc = options_for(&state, &user, id).await?;
    Ok(NextOptionsPage {
        layout: Layout::for_user("Your next steps", &user, "/me"),
        doc,
        own: true,
    })
}

async fn person_options(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<NextOptionsPage> {
    let doc = options_for(&state, &user, id).await?;
    let own = user.account.person_id == Some(id);
    Ok(NextOptionsPage {
        layout: Layout::for_user(
            format!("Next steps for {}", doc.person.name),
            &user,
            if own { "/me" } else { "/team" },
        ),
        doc,
        own,
    })
}

// ---- team ------------------------------------------------------------------

#[derive(Deserialize, Default)]
struct SortQuery {
    #[serde(default)]
    sort: String,
    #[serde(default)]
    dir: String,
}

const TEAM_COLUMNS: [(&str, &str); 5] = [
    ("name", "Name"),
    ("role", "Role"),
    ("band", "Band"),
    ("option", "Top next option"),
    ("readiness", "Readiness"),
];

async fn team_rows(state: &AppState, user: &CurrentUser, q: &SortQuery) -> Result<Vec<TeamRow>> {
    if !user.has(AppRole::Manager) {
        return Err(auth::refuse(state, user, "team").await);
    }
    let me = user.account.person_id.ok_or(Error::NotFound)?;
    let today = today();
    let mut rows = Vec::new();
    for p in people::reports_of(&state.store, me).await? {
        let doc = next_options::for_person(state, &p, today).await?;
        let top = doc.options.first();
        rows.push(TeamRow {
            id: p.id,
            name: p.name.clone(),
            role: doc.person.role.title.clone(),
            band: doc.person.role.band.clone(),
            top_option: top.map(|o| o.role.title.clone()),
            readiness: top.map(|o| o.readiness_percent()),
        });
    }
    let band_rank = |b: &str| {
        b.parse::<pathwise_domain::Band>()
            .map(|b| b.rank())
            .unwrap_or(0.0)
    };
    rows.sort_by(|a, b| {
        let ord = match q.sort.as_str() {
            "role" => a.role.cmp(&b.role),
            "band" => band_rank(&a.band).total_cmp(&band_rank(&b.band)),
            "option" => a.top_option.cmp(&b.top_option),
            "readiness" => a.readiness.cmp(&b.readiness),
            _ => std::cmp::Ordering::Equal,
        };
        ord.then_with(|| a.name.cmp(&b.name))
    });
    if q.dir == "desc" {
        rows.reverse();
    }
    Ok(rows)
}

async fn team(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<SortQuery>,
) -> Result<TeamPage> {
    let rows = team_rows(&state, &user, &q).await?;
    let sort = if q.sort.is_empty() {
        "name"
    } else {
        q.sort.as_str()
    };
    let columns = TEAM_COLUMNS
        .iter()
        .map(|(key, label)| {
            let current = *key == sort;
            let desc = current && q.dir == "desc";
            SortLink {
                key,
                label,
                href: format!(
                    "/team?sort={key}&dir={}",
                    if current && !desc { "desc" } else { "asc" }
                ),
                aria_sort: match (current, desc) {
                    (false, _) => "none",
                    (true, false) => "ascending",
                    (true, true) => "descending",
                },
            }
        })
        .collect();
    Ok(TeamPage {
        layout: Layout::for_user("My team", &user, "/team"),
        rows,
        columns,
        csv_href: format!(
            "/team.csv?sort={sort}&dir={}",
            if q.dir == "desc" { "desc" } else { "asc" }
        ),
        xlsx_href: format!(
            "/team.xlsx?sort={sort}&dir={}",
            if q.dir == "desc" { "desc" } else { "asc" }
        ),
    })
}

async fn team_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<SortQuery>,
    format: Format,
) -> Result<Response> {
    let rows = team_rows(&state, &user, &q).await?;
    Table {
        name: "team",
        headers: vec![
            "person_id",
            "name",
            "role",
            "band",
            "top_next_option",
            "readiness_percent",
        ],
        rows: rows
            .into_iter()
            .map(|r| {
                vec![
                    r.id.into(),
                    r.name.into(),
                    r.role.into(),
                    r.band.into(),
                    r.top_option.into(),
                    r.readiness.map(i64::from).into(),
                ]
            })
            .collect(),
    }
    .respond(format)
}

// ---- career framework ------------------------------------------------------

#[derive(Deserialize, Default)]
struct CatalogueQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    family: String,
    #[serde(default)]
    page: Option<usize>,
    #[serde(default)]
    added: Option<String>,
}

const ROLES_PER_PAGE: usize = 25;

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn catalogue_page(
    state: &AppState,
    user: &CurrentUser,
    query: &CatalogueQuery,
    errors: Vec<FieldError>,
    form: HashMap<String, String>,
) -> Result<CataloguePage> {
    let org = user.account.org_id;
    let roles = catalogue::roles_for_org(&state.store, org).await?;
    let transitions = catalogue::transitions_for_org(&state.store, org).await?;
    let sites = people::sites(&state.store, org).await?;
    let site_name = |id: i64| {
        sites
            .iter()
            .find(|s| s.id == id)
            .map_or(String::new(), |s| s.name.clone())
    };
    let needle = query.q.trim().to_lowercase();
    let matching: Vec<_> = roles
        .iter()
        .filter(|r| {
            needle.is_empty()
                || r.role.title.to_lowercase().contains(&needle)
                || r.role.code.contains(&needle)
        })
        .filter(|r| query.family.is_empty() || r.role.family.code() == query.family)
        .collect();
    let total = matching.len();
    let pages = total.div_ceil(ROLES_PER_PAGE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let link = |p: usize| {
        format!(
            "/catalogue?q={}&family={}&page={p}",
            encode(&query.q),
            encode(&query.family)
        )
    };
    let rows = matching
        .iter()
        .skip((page - 1) * ROLES_PER_PAGE)
        .take(ROLES_PER_PAGE)
        .map(|r| CatalogueRow {
            role: (&r.role).into(),
            scope: match r.scope {
                Scope::Core => "Core".into(),
                Scope::Local(None) => "Local".into(),
                Scope::Local(Some(s)) => format!("Local: {}", site_name(s)),
            },
            ways_on: transitions
                .iter()
                .filter(|t| t.transition.from == r.role.code)
                .count(),
        })
        .collect();
    let mut role_choices: Vec<Choice> = roles
        .iter()
        .map(|r| Choice {
            value: r.role.code.clone(),
            label: format!("{} (band {})", r.role.title, r.role.band),
            selected: false,
        })
        .collect();
    role_choices.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(CataloguePage {
        layout: Layout::for_user("Career framework", user, "/catalogue"),
        version: catalogue::core_version(&state.store)
            .await?
            .unwrap_or_else(|| "not loaded".into()),
        rows,
        q: query.q.clone(),
        families: PathwayFamily::ALL
            .iter()
            .map(|f| Choice {
                value: f.code().into(),
                label: f.label().into(),
                selected: f.code() == query.family,
            })
            .collect(),
        page,
        pages,
        total,
        prev_href: (page > 1).then(|| link(page - 1)),
        next_href: (page < pages).then(|| link(page + 1)),
        can_edit: user.viewer.may_edit_framework(),
        sites: sites
            .iter()
            .map(|s| Choice {
                value: s.id.to_string(),
                label: s.name.clone(),
                selected: false,
            })
            .collect(),
        staff_groups: StaffGroup::ALL
            .iter()
            .map(|g| Choice {
                value: g.name().into(),
                label: g.name().into(),
                selected: false,
            })
            .collect(),
        role_choices,
        errors,
        form,
        notice: match query.added.as_deref() {
            Some("role") => Some("The local role was added.".into()),
            Some("transition") => Some("The local route was added.".into()),
            _ => None,
        },
    })
}

async fn catalogue_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CatalogueQuery>,
) -> Result<CataloguePage> {
    catalogue_page(&state, &user, &q, Vec::new(), HashMap::new()).await
}

#[derive(Deserialize, Default)]
struct RoleQuery {
    #[serde(default)]
    saved: Option<String>,
}

async fn role_page(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
    errors: Vec<FieldError>,
    form: Option<HashMap<String, String>>,
    notice: Option<String>,
) -> Result<RolePage> {
    let org = user.account.org_id;
    let scoped = catalogue::roles_for_org(&state.store, org).await?;
    let Some(this) = scoped.iter().find(|r| r.role.code == code) else {
        return Err(Error::NotFound);
    };
    let role = &this.role;
    let title = |c: &str| {
        scoped
            .iter()
            .find(|r| r.role.code == c)
            .map_or(c.to_string(), |r| r.role.title.clone())
    };
    let ways_on = catalogue::transitions_for_org(&state.store, org)
        .await?
        .into_iter()
        .filter(|t| t.transition.from == code)
        .filter_map(|t| {
            let to = scoped.iter().find(|r| r.role.code == t.transition.to)?;
            Some(TransitionRow {
                id: t.id,
                local: t.scope != Scope::Core,
                to: (&to.role).into(),
                route: (&t.transition.route).into(),
                requirements: t
                    .transition
                    .requirements
                    .iter()
                    .map(describe_requirement)
                    .collect(),
                helpers: t.transition.helpers.iter().map(|h| title(h)).collect(),
                scope: if t.scope == Scope::Core {
                    "core framework".into()
                } else {
                    "local".into()
                },
            })
        })
        .collect();
    let form = form.unwrap_or_else(|| {
        [
            ("title", role.title.clone()),
            ("band", role.band.to_string()),
            ("career_level", role.career_level.to_string()),
            ("staff_group", role.staff_group.name().to_string()),
            ("family", role.family.code().to_string()),
            (
                "clinical",
                if role.clinical { "yes" } else { "no" }.to_string(),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    });
    Ok(RolePage {
        layout: Layout::for_user(role.title.clone(), user, "/catalogue"),
        role: role.into(),
        ways_on,
        can_edit: user.viewer.may_edit_framework(),
        local: this.scope != Scope::Core,
        staff_groups: StaffGroup::ALL
            .iter()
            .map(|g| Choice {
                value: g.name().into(),
                label: g.name().into(),
                selected: false,
            })
            .collect(),
        families: PathwayFamily::ALL
            .iter()
            .map(|f| Choice {
                value: f.code().into(),
                label: f.label().into(),
                selected: false,
            })
            .collect(),
        errors,
        form,
        notice,
    })
}

async fn role_detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<RoleQuery>,
) -> Result<RolePage> {
    let notice = match q.saved.as_deref() {
        Some("role") => Some("Your changes were saved.".to_string()),
        Some("removed") => Some("The local route was removed. Add it again from the career framework page if that was a mistake.".to_string()),
        _ => None,
    };
    role_page(&state, &user, &code, Vec::new(), None, notice).await
}

async fn edit_role(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(mut form): Form<HashMap<String, String>>,
) -> Result<Response> {
    framework_editor(&state, &user, &form).await?;
    form.insert("code".into(), code.clone());
    let role = match parse_role_form(&form) {
        Ok(r) => r,
        Err(errors) => {
            let page = role_page(&state, &user, &code, errors, Some(form), None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let org = user.account.org_id;
    match catalogue::update_local_role(&state.store, org, &role).await {
        Ok(()) => {}
        Err(pathwise_storage::StorageError::NotFound(_)) => {
            return Err(auth::refuse(&state, &user, &format!("role:{code}")).await);
        }
        Err(e) => return Err(e.into()),
    }
    state.frameworks.invalidate(org);
    audit::record(
        &state.store,
        Some(org),
        Some(user.account.id),
        auth::now(),
        "catalogue.role_changed",
        &format!("role:{code}"),
        &role.title,
    )
    .await?;
    Ok(Redirect::to(&format!("/catalogue/roles/{code}?saved=role")).into_response())
}

async fn remove_transition(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response> {
    framework_editor(&state, &user, &form).await?;
    let org = user.account.org_id;
    let removed = match catalogue::remove_local_transition(&state.store, org, id).await {
        Ok(t) => t,
        Err(pathwise_storage::StorageError::NotFound(_)) => {
            return Err(auth::refuse(&state, &user, &format!("transition:{id}")).await);
        }
        Err(e) => return Err(e.into()),
    };
    state.frameworks.invalidate(org);
    let detail = format!(
        "{} ({} months; requirements: {})",
        removed.route.name,
        removed.route.duration_months,
        removed
            .requirements
            .iter()
            .map(describe_requirement)
            .collect::<Vec<_>>()
            .join("; ")
    );
    audit::record(
        &state.store,
        Some(org),
        Some(user.account.id),
        auth::now(),
        "catalogue.transition_removed",
        &format!("transition:{}->{}", removed.from, removed.to),
        &detail,
    )
    .await?;
    Ok(Redirect::to(&format!("/catalogue/roles/{}?saved=removed", removed.from)).into_response())
}

fn describe_requirement(r: &Requirement) -> String {
    match r.kind {
        RequirementKind::Experience => format!("{} months in role", r.months.unwrap_or(0)),
        RequirementKind::Qualification => format!("Qualification: {}", r.name),
        RequirementKind::Evidence => format!("Evidence: {}", r.name),
    }
}

fn form_site(form: &HashMap<String, String>) -> Option<i64> {
    form.get("site").and_then(|s| s.parse().ok())
}

/// Reads the local-role form into a role, or the fields at fault.
pub fn parse_role_form(
    form: &HashMap<String, String>,
) -> std::result::Result<Role, Vec<FieldError>> {
    let get = |k: &str| form.get(k).map(|v| v.trim()).unwrap_or("");
    let mut errors = Vec::new();
    let code = get("code").to_lowercase();
    if code.is_empty()
        || !code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        errors.push(field(
            "code",
            "Enter a code of lower-case letters, digits and hyphens, like discharge-coordinator",
        ));
    }
    if get("title").is_empty() {
        errors.push(field("title", "Enter the role's title"));
    }
    let band = get("band").parse();
    if band.is_err() {
        errors.push(field(
            "band",
            "Enter an Agenda for Change band: 1 to 7, 8a to 8d, 9 or VSM",
        ));
    }
    let level = get("career_level")
        .parse::<u8>()
        .ok()
        .filter(|l| (1..=9).contains(l));
    if level.is_none() {
        errors.push(field(
            "career_level",
            "Enter a career framework level from 1 to 9",
        ));
    }
    let group = StaffGroup::from_name(get("staff_group"));
    if group.is_none() {
        errors.push(field("staff_group", "Choose a staff group"));
    }
    let family = PathwayFamily::from_code(get("family"));
    if family.is_none() {
        errors.push(field("role_family", "Choose a pathway family"));
    }
    match (band, level, group, family) {
        (Ok(band), Some(career_level), Some(staff_group), Some(family)) if errors.is_empty() => {
            Ok(Role {
                code,
                title: get("title").to_string(),
                band,
                staff_group,
                career_level,
                family,
                clinical: get("clinical") != "no",
            })
        }
        _ => Err(errors),
    }
}

/// Reads the local-transition form into a transition, or the fields at fault.
pub fn parse_transition_form(
    form: &HashMap<String, String>,
) -> std::result::Result<Transition, Vec<FieldError>> {
    let get = |k: &str| form.get(k).map(|v| v.trim()).unwrap_or("");
    let mut errors = Vec::new();
    if get("from").is_empty() {
        errors.push(field("from", "Choose the role the route starts from"));
    }
    if get("to").is_empty() {
        errors.push(field("to", "Choose the role the route leads to"));
    } else if get("to") == get("from") {
        errors.push(field(
            "to",
            "Choose a different role from the one the route starts from",
        ));
    }
    if get("route_name").is_empty() {
        errors.push(field("route_name", "Enter the route's name"));
    }
    let duration = get("duration_months")
        .parse::<u32>()
        .ok()
        .filter(|d| (1..=72).contains(d));
    if duration.is_none() {
        errors.push(field(
            "duration_months",
            "Enter a typical duration from 1 to 72 months",
        ));
    }
    let mut requirements = Vec::new();
    for (i, line) in get("requirements")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let parsed = line.split_once(':').and_then(|(k, v)| {
            let kind = RequirementKind::from_code(&k.trim().to_lowercase())?;
            let v = v.trim();
            match kind {
                RequirementKind::Experience => {
                    v.parse::<u32>()
                        .ok()
                        .filter(|m| *m <= 240)
                        .map(|m| Requirement {
                            kind,
                            name: "Time in current role".into(),
                            months: Some(m),
                            evidence_hint: None,
                        })
                }
                _ if v.is_empty() => None,
                _ => Some(Requirement {
                    kind,
                    name: v.to_string(),
                    months: None,
                    evidence_hint: None,
                }),
            }
        });
        match parsed {
            Some(r) => requirements.push(r),
            None => errors.push(field(
                "requirements",
                &format!(
                    "Line {} of the requirements: start with qualification:, evidence: or experience: followed by a name or a number of months",
                    i + 1
                ),
            )),
        }
    }
    let code = get("standard_code").to_uppercase();
    let code_ok =
        code.len() == 6 && code.starts_with("ST") && code[2..].chars().all(|c| c.is_ascii_digit());
    if !code.is_empty() && !code_ok {
        errors.push(field(
            "standard_code",
            "Enter a standard code like ST0217, or leave it blank",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Transition {
        from: get("from").into(),
        to: get("to").into(),
        requirements,
        route: Route {
            kind: if code.is_empty() {
                RouteKind::Training
            } else {
                RouteKind::Apprenticeship
            },
            name: get("route_name").into(),
            standard_code: (!code.is_empty()).then_some(code),
            level: None,
            duration_months: duration.unwrap_or(1),
            funding_band_gbp: None,
            confirmed: false,
        },
        helpers: if get("helper").is_empty() {
            vec![]
        } else {
            vec![get("helper").into()]
        },
    })
}

async fn framework_editor(
    state: &AppState,
    user: &CurrentUser,
    form: &HashMap<String, String>,
) -> Result<()> {
    user.check_csrf(form.get("csrf").map_or("", String::as_str))?;
    if !user.viewer.may_edit_framework() {
        return Err(auth::refuse(state, user, "catalogue").await);
    }
    Ok(())
}

async fn rejected_form(
    state: &AppState,
    user: &CurrentUser,
    errors: Vec<FieldError>,
    form: HashMap<String, String>,
) -> Result<Response> {
    let page = catalogue_page(state, user, &CatalogueQuery::default(), errors, form).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// Stores a framework edit; a refusal from storage goes back to the form
/// against `field`. On success the cached framework is refreshed and the
/// change audited.
async fn save_framework_edit<T>(
    state: &AppState,
    user: &CurrentUser,
    form: HashMap<String, String>,
    field_name: &str,
    save: impl std::future::IntoFuture<Output = pathwise_storage::Result<T>>,
    audit_entry: (&str, String, &str),
    added: &str,
) -> Result<Response> {
    use pathwise_storage::StorageError;
    match save.await {
        Ok(_) => {}
        Err(e @ (StorageError::Conflict(_) | StorageError::Invalid(_))) => {
            let msg = e.to_string();
            let message = msg.strip_prefix("code: ").unwrap_or(&msg);
            let errors = vec![field(field_name, &capital(message))];
            return rejected_form(state, user, errors, form).await;
        }
        Err(e) => return Err(e.into()),
    }
    let org = user.account.org_id;
    state.frameworks.invalidate(org);
    let (action, subject, detail) = audit_entry;
    audit::record(
        &state.store,
        Some(org),
        Some(user.account.id),
        auth::now(),
        action,
        &subject,
        detail,
    )
    .await?;
    Ok(Redirect::to(&format!("/catalogue?added={added}")).into_response())
}

async fn add_role(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response> {
    framework_editor(&state, &user, &form).await?;
    let role = match parse_role_form(&form) {
        Ok(r) => r,
        Err(errors) => return rejected_form(&state, &user, errors, form).await,
    };
    let save =
        catalogue::add_local_role(&state.store, user.account.org_id, form_site(&form), &role);
    let entry = (
        "catalogue.role_added",
        format!("role:{}", role.code),
        role.title.as_str(),
    );
    save_framework_edit(&state, &user, form.clone(), "code", save, entry, "role").await
}

async fn add_transition(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response> {
    framework_editor(&state, &user, &form).await?;
    let t = match parse_transition_form(&form) {
        Ok(t) => t,
        Err(errors) => return rejected_form(&state, &user, errors, form).await,
    };
    let save =
        catalogue::add_local_transition(&state.store, user.account.org_id, form_site(&form), &t);
    let entry = (
        "catalogue.transition_added",
        format!("transition:{}->{}", t.from, t.to),
        t.route.name.as_str(),
    );
    save_framework_edit(
        &state,
        &user,
        form.clone(),
        "from",
        save,
        entry,
        "transition",
    )
    .await
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

// ---- API tokens ------------------------------------------------------------

fn when(at: i64) -> String {
    let d = Date::from_unix_days(at.div_euclid(86_400));
    let secs = at.rem_euclid(86_400);
    format!("{d} {:02}:{:02}", secs / 3600, secs % 3600 / 60)
}

async fn tokens_page(
    state: &AppState,
    user: &CurrentUser,
    new_token: Option<String>,
    errors: Vec<FieldError>,
    notice: Option<String>,
) -> Result<TokensPage> {
    let tokens = accounts::tokens(&state.store, user.account.id)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created: when(t.created_at),
            last_used: t.last_used_at.map_or("Never".into(), when),
            revoked: t.revoked_at.is_some(),
        })
        .collect();
    Ok(TokensPage {
        layout: Layout::for_user("API tokens", user, "/account/tokens"),
        tokens,
        new_token,
        errors,
        notice,
    })
}

#[derive(Deserialize)]
struct RevokedQuery {
    #[serde(default)]
    revoked: Option<String>,
}

async fn tokens(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<RevokedQuery>,
) -> Result<TokensPage> {
    tokens_page(
        &state,
        &user,
        None,
        Vec::new(),
        q.revoked.map(|_| "The token was revoked.".into()),
    )
    .await
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

async fn create_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<TokenForm>,
) -> Result<Response> {
    user.check_csrf(&form.csrf)?;
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        let errors = vec![field("name", "Enter a token name of up to 60 characters")];
        let page = tokens_page(&state, &user, None, errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let token = format!("pw_{}", auth::random_token());
    let now = auth::now();
    accounts::create_token(
        &state.store,
        user.account.id,
        name,
        &auth::token_hash(&token),
        &token[..10],
        now,
    )
    .await?;
    audit::record(
        &state.store,
        Some(user.account.org_id),
        Some(user.account.id),
        now,
        "token.created",
        &format!("user:{}", user.account.id),
        name,
    )
    .await?;
    Ok(tokens_page(&state, &user, Some(token), Vec::new(), None)
        .await?
        .into_response())
}

async fn revoke_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Result<Redirect> {
    user.check_csrf(&form.csrf)?;
    let now = auth::now();
    if !accounts::revoke_token(&state.store, user.account.id, id, now).await? {
        return Err(auth::refuse(&state, &user, &format!("token:{id}")).await);
    }
    audit::record(
        &state.store,
        Some(user.account.org_id),
        Some(user.account.id),
        now,
        "token.revoked",
        &format!("token:{id}"),
        "",
    )
    .await?;
    Ok(Redirect::to("/account/tokens?revoked=1"))
}

// ---- audit trail -----------------------------------------------------------

#[derive(Deserialize, Default)]
struct AuditQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    page: Option<i64>,
}

const AUDIT_PER_PAGE: i64 = 50;

async fn audit_rows(
    state: &AppState,
    user: &CurrentUser,
    q: &AuditQuery,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditRow>> {
    if !user.viewer.may_edit_framework() {
        return Err(auth::refuse(state, user, "audit").await);
    }
    let action = (!q.action.is_empty()).then_some(q.action.as_str());
    Ok(
        audit::list(&state.store, user.account.org_id, action, limit, offset)
            .await?
            .into_iter()
            .map(|e| AuditRow {
                at: when(e.at),
                action: e.action,
                subject: e.subject,
                detail: e.detail,
            })
            .collect(),
    )
}

async fn audit_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> Result<AuditPage> {
    let page = q.page.unwrap_or(1).max(1);
    let mut rows = audit_rows(
        &state,
        &user,
        &q,
        AUDIT_PER_PAGE + 1,
        (page - 1) * AUDIT_PER_PAGE,
    )
    .await?;
    let more = rows.len() as i64 > AUDIT_PER_PAGE;
    rows.truncate(AUDIT_PER_PAGE as usize);
    let link = |p: i64| format!("/admin/audit?action={}&page={p}", encode(&q.action));
    Ok(AuditPage {
        layout: Layout::for_user("Audit trail", &user, "/admin/audit"),
        rows,
        action: q.action.clone(),
        page,
        next_href: more.then(|| link(page + 1)),
        prev_href: (page > 1).then(|| link(page - 1)),
    })
}

async fn audit_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
    format: Format,
) -> Result<Response> {
    let rows = audit_rows(&state, &user, &q, 100_000, 0).await?;
    Table {
        name: "audit",
        headers: vec!["at_utc", "action", "subject", "detail"],
        rows: rows
            .into_iter()
            .map(|r| {
                vec![
                    r.at.into(),
                    r.action.into(),
                    r.subject.into(),
                    r.detail.into(),
                ]
            })
            .collect(),
    }
    .respond(format)
}
