"""The starting taxonomy and services of a council (from DOMAIN.md); councils edit both."""

THEMES = [
    # (slug, name, facet)
    ("early_years", "Early years and childcare", "service_area"),
    ("education", "SEN support in schools", "service_area"),
    ("special_schools", "Special schools and resourced provision", "service_area"),
    ("post16", "Post-16 education, apprenticeships and supported internships", "service_area"),
    ("ehc_plans", "EHC needs assessments and EHC plans", "service_area"),
    ("health", "Health services", "service_area"),
    ("therapies", "Therapies (speech and language, occupational, physio)", "service_area"),
    ("mental_health", "Mental health (CAMHS)", "service_area"),
    ("neurodevelopmental", "Neurodevelopmental and autism assessment", "service_area"),
    ("social_care", "Social care and early help", "service_area"),
    ("short_breaks", "Short breaks", "service_area"),
    ("transport", "Travel and transport", "service_area"),
    ("preparing_for_adulthood", "Preparing for adulthood", "service_area"),
    ("housing", "Housing and independent living", "service_area"),
    ("leisure", "Leisure and activities", "service_area"),
    ("information", "Information, advice and support", "service_area"),
    ("coproduction", "Co-production and the parent carer forum", "service_area"),
    ("money", "Money and benefits", "service_area"),
    ("personal_budgets", "Personal budgets and direct payments", "service_area"),
    ("complaints_info", "Complaints, mediation and tribunal information", "service_area"),
    ("directory_accuracy", "Out of date or wrong information", "website"),
    ("broken_link", "Broken link", "website"),
    ("missing_service", "Missing service", "website"),
    ("hard_to_find", "Hard to find", "website"),
    ("jargon", "Jargon or hard to read", "website"),
    ("alternative_formats", "Alternative formats (easy read, translation, print, BSL)", "website"),
    ("mobile", "Using the website on a phone", "website"),
]

SERVICES = [
    # (slug, name, theme slugs it usually answers for)
    ("education", "Education and inclusion", ["education", "special_schools", "post16", "early_years"]),
    ("send-assessment", "SEND assessment and EHC plans", ["ehc_plans"]),
    ("health", "Health (integrated care board)", ["health", "therapies", "mental_health", "neurodevelopmental"]),
    ("social-care", "Children's social care and short breaks", ["social_care", "short_breaks"]),
    ("transport", "Travel assistance", ["transport"]),
    ("adulthood", "Preparing for adulthood", ["preparing_for_adulthood", "housing"]),
    ("local-offer", "Local Offer website and information", [
        "information", "directory_accuracy", "broken_link", "missing_service", "hard_to_find", "jargon",
        "alternative_formats", "mobile", "coproduction",
    ]),
    ("leisure", "Leisure, play and activities", ["leisure"]),
    ("finance", "Personal budgets and direct payments", ["money", "personal_budgets"]),
]
