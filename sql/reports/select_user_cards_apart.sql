-- grain: one row per user card file x model of one cards folder (batch scope `user:<folder>`)
-- whose model its developer discloses: those figures are shown apart, as '<model> (user card)',
-- and the run says so.
select distinct
    split_part(source_locator, ':', 1) as card_file,
    model_as_written,
    model as shown_as
from stg_disclosures__facts
where batch_scope = ? and user_card_apart
order by card_file, model_as_written
