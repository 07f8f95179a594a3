"""The one SQL statement that finds the next level of a trace.

Given the frontier (level k-1 persons, each with a window) and everyone
already traced, it returns each newly reached person's earliest contact.
It never pairs every source interval with every target interval (a shared
canteen would make that quadratic); instead, per place or group it sorts
sources and targets together and sweeps:

* a source that starts at or before a target `t` gives contact time
  `t.start` if its end reaches `t.start + min_overlap`: the running maximum
  of source ends answers that (`cover`);
* otherwise the earliest contact is the first source starting after
  `t.start` (found by rank: the running count of earlier sources, plus
  one), valid if it starts by `t.end - min_overlap`, because every source
  kept is itself at least `min_overlap` long.

Sources are the frontier's intervals already clipped to their windows, so
`O = [max(a, t.start), min(b, t.end))` is exactly the spec's overlap.
Group memberships are handled as places with a zero minimum overlap.
Targets at a place are fetched through the (place_id, start) index within
merged "islands" `[a - longest_stay, b)`, `longest_stay` being the larger of
the place's dwell and the longest explicit stay ever seen there
(tracing_placespan), so no presence overlapping a source can be missed.
"""

LEVEL_SQL = r"""
WITH
kr AS (
    SELECT * FROM unnest(%(k_kind)s::text[], %(k_makes)s::boolean[],
                         %(k_dwell)s::int[], %(k_minov)s::int[]) AS k(kind, makes, dwell, minov)
),
f AS (
    SELECT * FROM unnest(%(f_pid)s::int[], %(f_ws)s::timestamptz[], %(f_we)s::timestamptz[])
        AS f(pid, ws, we)
),
known AS MATERIALIZED (SELECT DISTINCT unnest(%(known)s::int[]) AS pid),
fraw AS MATERIALIZED (
    -- LATERAL ... OFFSET 0 keeps this a per-person probe of the primary key,
    -- never a hash join over the whole presence table.
    SELECT f.pid, f.ws, f.we, pr.place_id, pr.start, pr."end"
    FROM f CROSS JOIN LATERAL (
        SELECT place_id, start, "end" FROM places_presence
        WHERE person_id = f.pid AND start < f.we OFFSET 0
    ) pr
),
prules AS MATERIALIZED (
    SELECT pl.id AS place_id, pl.code,
           make_interval(mins => COALESCE(pl.dwell_minutes, kr.dwell)) AS dwell,
           make_interval(mins => COALESCE(pl.min_overlap_minutes, kr.minov)) AS minov
    FROM places_place pl JOIN kr ON kr.kind = pl.kind AND kr.makes
    WHERE pl.id IN (SELECT DISTINCT place_id FROM fraw)
),
fpres AS (
    SELECT fr.pid, fr.place_id, r.code, fr.ws, fr.we, fr.start, fr."end", r.dwell, r.minov
    FROM fraw fr JOIN prules r ON r.place_id = fr.place_id
),
src_place AS MATERIALIZED (
    SELECT pid, place_id, code, dwell, minov, a, b FROM (
        SELECT pid, place_id, code, dwell, minov, GREATEST(start, ws) AS a,
               LEAST(COALESCE("end", start + dwell), we) AS b
        FROM fpres
    ) s
    WHERE b > a AND b - a >= minov
),
pbound AS MATERIALIZED (
    SELECT s.place_id, s.code, s.dwell, s.minov,
           GREATEST(s.dwell, COALESCE(ps.max_span, interval '0')) AS g
    FROM (SELECT DISTINCT place_id, code, dwell, minov FROM src_place) s
    LEFT JOIN tracing_placespan ps ON ps.place_id = s.place_id
),
sp_flag AS (
    SELECT place_id, lo, hi,
           CASE WHEN lo <= max(hi) OVER (PARTITION BY place_id ORDER BY lo, hi
                                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                THEN 0 ELSE 1 END AS brk
    FROM (SELECT s.place_id, s.a - pb.g AS lo, s.b AS hi
          FROM src_place s JOIN pbound pb ON pb.place_id = s.place_id) x
),
islands AS (
    SELECT place_id, min(lo) AS lo, max(hi) AS hi FROM (
        SELECT place_id, lo, hi,
               sum(brk) OVER (PARTITION BY place_id ORDER BY lo, hi ROWS UNBOUNDED PRECEDING) AS isl
        FROM sp_flag
    ) y GROUP BY place_id, isl
),
tgt_place AS (
    SELECT t.person_id AS q, pb.code, pb.minov, t.start AS ts,
           COALESCE(t."end", t.start + pb.dwell) AS te
    FROM islands i
    JOIN pbound pb ON pb.place_id = i.place_id
    JOIN places_presence t ON t.place_id = i.place_id AND t.start >= i.lo AND t.start < i.hi
    WHERE NOT EXISTS (SELECT 1 FROM known k WHERE k.pid = t.person_id)
),
src_group AS MATERIALIZED (
    SELECT pid, ctx, code, a, b FROM (
        SELECT f.pid, m.group_kind AS ctx, m.group_code AS code,
               GREATEST(m.valid_from::timestamp AT TIME ZONE %(tz)s, f.ws) AS a,
               LEAST(COALESCE((m.valid_to + 1)::timestamp AT TIME ZONE %(tz)s, 'infinity'), f.we) AS b
        FROM f CROSS JOIN LATERAL (
            SELECT group_kind, group_code, valid_from, valid_to FROM places_membership
            WHERE person_id = f.pid OFFSET 0
        ) m
    ) s WHERE b > a
),
grp AS (SELECT ctx, code, min(a) AS lo, max(b) AS hi FROM src_group GROUP BY ctx, code),
tgt_group AS (
    SELECT q, ctx, code, ts, te FROM (
        SELECT n.person_id AS q, g.ctx, g.code, g.lo, g.hi,
               n.valid_from::timestamp AT TIME ZONE %(tz)s AS ts,
               COALESCE((n.valid_to + 1)::timestamp AT TIME ZONE %(tz)s, 'infinity') AS te
        FROM grp g
        JOIN places_membership n ON n.group_kind = g.ctx AND n.group_code = g.code
        WHERE NOT EXISTS (SELECT 1 FROM known k WHERE k.pid = n.person_id)
    ) x WHERE ts < hi AND te > lo
),
src AS MATERIALIZED (
    SELECT ctx, code, minov, a, b, pid,
           ctx || ':' || code || ':'
               || row_number() OVER (PARTITION BY ctx, code ORDER BY a, pid, b) AS slot
    FROM (
        SELECT 'place'::text AS ctx, code, minov, a, b, pid FROM src_place
        UNION ALL
        SELECT ctx, code, interval '0', a, b, pid FROM src_group
    ) u
),
ev AS (
    SELECT ctx, code, minov, 0 AS side, a AS t0, b, pid, NULL::timestamptz AS te, NULL::int AS q
    FROM src
    UNION ALL
    SELECT 'place', code, minov, 1, ts, NULL, NULL, te, q FROM tgt_place
    WHERE te > ts AND te - ts >= minov
    UNION ALL
    SELECT ctx, code, interval '0', 1, ts, NULL, NULL, te, q FROM tgt_group
),
sw AS (
    -- Sources sort before targets at the same instant, so both running
    -- aggregates cover exactly the sources with a <= t.start.
    SELECT ctx, code, minov, side, t0 AS ts, te, q,
           max(CASE WHEN side = 0 THEN ARRAY[(extract(epoch FROM b) * 1000000)::bigint, -pid] END)
               OVER w AS cover,
           count(b) OVER w AS before
    FROM ev
    WINDOW w AS (PARTITION BY ctx, code ORDER BY t0, side ROWS UNBOUNDED PRECEDING)
),
cand AS MATERIALIZED (
    SELECT q, ctx, code, minov, ts, te, ctx || ':' || code || ':' || (before + 1) AS next_slot,
           timestamptz 'epoch' + cover[1] * interval '1 microsecond' AS cover_b,
           -cover[2] AS cover_p
    FROM sw WHERE side = 1
),
hits AS (
    SELECT q, ts AS c, cover_p AS up, ctx, code, LEAST(cover_b, te) AS oe
    FROM cand WHERE cover_b > ts AND cover_b >= ts + minov
    UNION ALL
    -- The first source starting after t.start (rank before + 1), joined on
    -- one key so that no plan can pair every source with every target.
    SELECT c.q, s.a, s.pid, c.ctx, c.code, LEAST(s.b, c.te)
    FROM cand c JOIN src s ON s.slot = c.next_slot
    WHERE s.a < c.te AND s.a <= c.te - c.minov
),
best AS (
    SELECT DISTINCT ON (q) q, c, up, ctx, code, oe FROM hits
    ORDER BY q, c, up, ctx, code, oe DESC
)
SELECT b.q, pq.national_id, pq.full_name, b.c, pu.national_id, b.ctx, b.code, b.oe
FROM best b
JOIN registry_person pq ON pq.id = b.q
JOIN registry_person pu ON pu.id = b.up
"""
