-- The members of a model family for `footprints whatif`: the models on the leaderboard whose name
-- is the family name followed by a word (`Llama 3.1` -> `Llama 3.1 8B`, `Llama 3.1 70B`, ...) and
-- whose training figures come from one developer disclosure (a card or a paper): the document
-- that covers most of them. Others' fine-tunes whose names start the same way
-- (`Llama 3.1 Nemotron ...`) are not in that document, so not in the family.
-- Parameter: $family (the name as typed; matched case-insensitively).
with candidates as (
    select model
    from rpt_leaderboard
    where lower(model) like lower(trim($family)) || ' %'
),

documents as (
    select distinct f.source_url, f.model
    from stg_disclosures__facts as f
    join candidates as c on c.model = f.model
    where f.source_kind in ('card', 'publication')
        and f.phase = 'training'
        and f.field in ('gpu_hours', 'energy_mwh', 'co2e_t')
),

best as (
    select source_url
    from documents
    group by source_url
    having count(*) >= 2
    order by count(*) desc, source_url
    limit 1
)

select d.model, d.source_url
from documents as d
join best as b on b.source_url = d.source_url
order by d.model
