-- The disclosure scorecard CSV: one row per organisation, most listed models first.
select * from rpt_disclosure_scorecard
order by notable_models desc, organization
