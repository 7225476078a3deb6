//! The hand-written baseline: IRTS admission in plain Rust on a typed
//! struct, three-valued like the policy (`None` is unknown), so the policy
//! engine is compared with the fastest code a person would write.

use jiff::civil::Date;
use serde::Deserialize;

#[derive(Deserialize)]
pub(crate) struct Facts {
    pub(crate) recipient: Member,
}

#[derive(Deserialize)]
pub(crate) struct Determination {
    pub(crate) by_mental_health_professional: Option<bool>,
    pub(crate) needs_unmet_by_community_services: Option<bool>,
    pub(crate) likely_crisis_without_irts: Option<bool>,
    pub(crate) needs_more_restrictive_setting: Option<bool>,
}

#[derive(Deserialize)]
pub(crate) struct Domain {
    pub(crate) significant_impairment: Option<bool>,
}

#[derive(Deserialize)]
pub(crate) struct Assessment {
    pub(crate) completed: Option<bool>,
    pub(crate) domains: Option<Vec<Domain>>,
}

#[derive(Deserialize)]
pub(crate) struct Locus {
    pub(crate) completed: Option<bool>,
    pub(crate) level: Option<i64>,
}

#[derive(Deserialize)]
pub(crate) struct Stay {
    pub(crate) admitted: Option<Date>,
    pub(crate) discharged: Option<Date>,
}

#[derive(Deserialize)]
pub(crate) struct Member {
    pub(crate) professional_determination: Determination,
    pub(crate) diagnostic_assessment_shows_mental_illness: Option<bool>,
    pub(crate) functional_assessment: Assessment,
    pub(crate) locus: Locus,
    pub(crate) expected_to_engage_in_illness_management: Option<bool>,
    pub(crate) needs_24_hour_supervised_treatment: Option<bool>,
    pub(crate) unresponsive_to_less_intensive_care: Option<bool>,
    pub(crate) needs_restrictive_setting: Option<bool>,
    pub(crate) at_risk_of_deterioration_without_irts: Option<bool>,
    pub(crate) inpatient_hospitalizations: Option<Vec<Stay>>,
    pub(crate) significant_independent_living_instability: Option<bool>,
    pub(crate) homeless: Option<bool>,
    pub(crate) frequent_service_use_with_poor_outcomes: Option<bool>,
    pub(crate) birth_date: Option<Date>,
    pub(crate) ma_eligible: Option<bool>,
    pub(crate) transitioning_to_adult_services: Option<bool>,
    pub(crate) irts_determined_to_best_meet_needs: Option<bool>,
    pub(crate) provider_secured_licensing_variance: Option<bool>,
}

/// Whole years from `birth` to `on`.
fn age(birth: Date, on: Date) -> i64 {
    let before_birthday = (on.month(), on.day()) < (birth.month(), birth.day());
    i64::from(on.year() - birth.year()) - i64::from(before_birthday)
}

/// IRTS eligibility (age, MA, admission), three-valued.
pub(crate) fn eligible_recipient(m: &Member, as_of: Date) -> Option<bool> {
    let age = m.birth_date.map(|b| age(b, as_of));
    let adult = age.map(|a| a >= 18);
    let seventeen = all(&[
        age.map(|a| a == 17),
        m.transitioning_to_adult_services,
        m.irts_determined_to_best_meet_needs,
        m.provider_secured_licensing_variance,
    ]);
    all(&[any(&[adult, seventeen]), m.ma_eligible, admission(m, as_of)])
}

fn all(items: &[Option<bool>]) -> Option<bool> {
    if items.contains(&Some(false)) {
        Some(false)
    } else if items.contains(&None) {
        None
    } else {
        Some(true)
    }
}

fn any(items: &[Option<bool>]) -> Option<bool> {
    if items.contains(&Some(true)) {
        Some(true)
    } else if items.contains(&None) {
        None
    } else {
        Some(false)
    }
}

fn in_past_year(date: Option<Date>, as_of: Date) -> Option<bool> {
    let start = as_of.checked_sub(jiff::Span::new().years(1)).ok()?;
    date.map(|d| start <= d && d <= as_of)
}

/// IRTS admission, three-valued.
pub(crate) fn admission(m: &Member, as_of: Date) -> Option<bool> {
    let d = &m.professional_determination;
    let determination = all(&[
        d.by_mental_health_professional,
        any(&[
            d.needs_unmet_by_community_services,
            d.likely_crisis_without_irts,
            d.needs_more_restrictive_setting,
        ]),
    ]);
    let domains = m.functional_assessment.domains.as_ref().and_then(|ds| {
        let yes = ds
            .iter()
            .filter(|x| x.significant_impairment == Some(true))
            .count();
        let open = ds
            .iter()
            .filter(|x| x.significant_impairment.is_none())
            .count();
        if yes >= 3 {
            Some(true)
        } else if yes + open < 3 {
            Some(false)
        } else {
            None
        }
    });
    let hospitalized = m.inpatient_hospitalizations.as_ref().and_then(|stays| {
        let marks: Vec<Option<bool>> = stays
            .iter()
            .map(|s| {
                any(&[
                    in_past_year(s.admitted, as_of),
                    in_past_year(s.discharged, as_of),
                ])
            })
            .collect();
        let yes = marks.iter().filter(|x| **x == Some(true)).count();
        let open = marks.iter().filter(|x| x.is_none()).count();
        if yes >= 2 {
            Some(true)
        } else if yes + open < 2 {
            Some(false)
        } else {
            None
        }
    });
    all(&[
        determination,
        m.diagnostic_assessment_shows_mental_illness,
        all(&[m.functional_assessment.completed, domains]),
        all(&[m.locus.completed, m.locus.level.map(|l| l == 5)]),
        all(&[
            m.expected_to_engage_in_illness_management,
            m.needs_24_hour_supervised_treatment,
        ]),
        m.unresponsive_to_less_intensive_care,
        all(&[
            m.needs_restrictive_setting,
            m.at_risk_of_deterioration_without_irts,
        ]),
        any(&[
            hospitalized,
            m.significant_independent_living_instability,
            m.homeless,
            m.frequent_service_use_with_poor_outcomes,
        ]),
    ])
}
