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

Every place or group is one integer sweep key `gid` (the place id; minus a
dense number for each group), so sorts, windows and joins compare integers
and timestamps only. Sources are ranked in (a, pid, b) order; a source is a
*record* when its end exceeds every end before it. The running maximum of
ends over the sources at or before `t.start` is then the end of the last
record among them, and that record is the running maximum of
`rank << 31 | pid` over records: one sort, scalar aggregates, no join. Only
targets not covered that way look up the first later source, by a hash join
on one bigint key (gid * 2^32 + rank), so no plan can pair every source with
every target.

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
fraw AS MATERIALIZED (
    -- Every LATERAL ... OFFSET 0 below is a per-row index probe, never a
    -- hash join over a whole table (the statement runs with nested loops
    -- disabled, so every other join is a hash join).
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
    FROM (SELECT DISTINCT place_id FROM fraw) fp
    CROSS JOIN LATERAL (
        SELECT id, code, kind, dwell_minutes, min_overlap_minutes FROM places_place
        WHERE id = fp.place_id OFFSET 0
    ) pl
    JOIN kr ON kr.kind = pl.kind AND kr.makes
),
src_place AS MATERIALIZED (
    SELECT pid, gid, minov, a, b FROM (
        SELECT fr.pid, fr.place_id AS gid, r.minov, GREATEST(fr.start, fr.ws) AS a,
               LEAST(COALESCE(fr."end", fr.start + r.dwell), fr.we) AS b
        FROM fraw fr JOIN prules r ON r.place_id = fr.place_id
    ) s
    WHERE b > a AND b - a >= minov
),
pbound AS MATERIALIZED (
    SELECT r.place_id, r.dwell, r.minov,
           GREATEST(r.dwell, COALESCE(ps.max_span, interval '0')) AS g
    FROM prules r LEFT JOIN LATERAL (
        SELECT max_span FROM tracing_placespan WHERE place_id = r.place_id OFFSET 0
    ) ps ON true
),
islands AS MATERIALIZED (
    SELECT gid, min(dwell) AS dwell, min(minov) AS minov, min(lo) AS lo, max(hi) AS hi FROM (
        SELECT gid, dwell, minov, lo, hi,
               sum(brk) OVER (PARTITION BY gid ORDER BY lo, hi ROWS UNBOUNDED PRECEDING) AS isl
        FROM (
            SELECT gid, dwell, minov, lo, hi,
                   CASE WHEN lo <= max(hi) OVER (PARTITION BY gid ORDER BY lo, hi
                                                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                        THEN 0 ELSE 1 END AS brk
            FROM (SELECT s.gid, pb.dwell, pb.minov, s.a - pb.g AS lo, s.b AS hi
                  FROM src_place s JOIN pbound pb ON pb.place_id = s.gid) x
        ) y
    ) z GROUP BY gid, isl
),
tgt_place AS (
    SELECT i.gid, i.minov, t.q, t.ts, t.te
    FROM islands i CROSS JOIN LATERAL (
        SELECT person_id AS q, start AS ts, COALESCE("end", start + i.dwell) AS te
        FROM places_presence
        WHERE place_id = i.gid AND start >= i.lo AND start < i.hi
          AND person_id <> ALL (%(known)s::int[])  -- a constant array: hashed
        OFFSET 0
    ) t
    WHERE t.te > t.ts AND t.te - t.ts >= i.minov
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
grp AS MATERIALIZED (
    SELECT ctx, code, -row_number() OVER (ORDER BY ctx, code) AS gid,
           min(a) AS lo, max(b) AS hi
    FROM src_group GROUP BY ctx, code
),
tgt_group AS (
    SELECT g.gid, interval '0' AS minov, n.q, n.ts, n.te
    FROM grp g CROSS JOIN LATERAL (
        SELECT person_id AS q, valid_from::timestamp AT TIME ZONE %(tz)s AS ts,
               COALESCE((valid_to + 1)::timestamp AT TIME ZONE %(tz)s, 'infinity') AS te
        FROM places_membership
        WHERE group_kind = g.ctx AND group_code = g.code
          AND person_id <> ALL (%(known)s::int[])
        OFFSET 0
    ) n
    WHERE n.ts < g.hi AND n.te > g.lo
),
src AS MATERIALIZED (
    SELECT gid, minov, a, b, pid, rk, rec, gid::bigint * 4294967296 + rk AS k_rk
    FROM (
        SELECT gid, minov, a, b, pid,
               row_number() OVER w AS rk,
               b > COALESCE(max(b) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
                            '-infinity') AS rec
        FROM (
            SELECT gid, minov, a, b, pid FROM src_place
            UNION ALL
            SELECT g.gid, interval '0', s.a, s.b, s.pid
            FROM src_group s JOIN grp g ON g.ctx = s.ctx AND g.code = s.code
        ) u
        WINDOW w AS (PARTITION BY gid ORDER BY a, pid, b)
    ) r
),
ev AS (
    SELECT gid, minov, 0 AS side, a AS t0, b,
           CASE WHEN rec THEN (rk << 31) | pid END AS rec_key,
           NULL::timestamptz AS te, NULL::int AS q
    FROM src
    UNION ALL
    SELECT gid, minov, 1, ts, NULL, NULL, te, q FROM tgt_place
    UNION ALL
    SELECT gid, minov, 1, ts, NULL, NULL, te, q FROM tgt_group
),
cand AS MATERIALIZED (
    -- Sources sort before targets at the same instant, so the running
    -- aggregates cover exactly the sources with a <= t.start: their latest
    -- end (`cover`), the last record (which has that end) as rank << 31 | pid,
    -- and their number.
    SELECT gid, minov, ts, te, q, before, cover, cover_key,
           COALESCE(cover > ts AND cover >= ts + minov, false) AS covered
    FROM (
        SELECT gid, minov, side, t0 AS ts, te, q,
               count(b) OVER w AS before, max(b) OVER w AS cover,
               max(rec_key) OVER w AS cover_key
        FROM ev
        WINDOW w AS (PARTITION BY gid ORDER BY t0, side ROWS UNBOUNDED PRECEDING)
    ) sw
    WHERE side = 1
),
hits AS (
    -- Covered: contact at t.start with the covering record's person.
    SELECT q, gid, ts AS c, (cover_key & 2147483647)::int AS up, LEAST(cover, te) AS oe
    FROM cand WHERE covered
    UNION ALL
    -- Otherwise the first source starting after t.start (rank before + 1).
    SELECT c.q, c.gid, s.a, s.pid, LEAST(s.b, c.te)
    FROM cand c JOIN src s ON s.k_rk = c.gid::bigint * 4294967296 + c.before + 1
    WHERE NOT c.covered AND s.a < c.te AND s.a <= c.te - c.minov
),
best AS (
    SELECT DISTINCT ON (q) q, c, up, gid, oe FROM hits
    WHERE c IS NOT NULL
    ORDER BY q, c, up, gid, oe DESC
)
SELECT b.q, pq.national_id, pq.full_name,
       (extract(epoch FROM b.c) * 1000000)::bigint, b.up,
       CASE WHEN b.gid > 0 THEN 'place' ELSE g.ctx END,
       CASE WHEN b.gid > 0 THEN pr.code ELSE g.code END,
       (extract(epoch FROM b.oe) * 1000000)::bigint
FROM best b
CROSS JOIN LATERAL (
    SELECT national_id, full_name FROM registry_person WHERE id = b.q OFFSET 0
) pq
LEFT JOIN prules pr ON pr.place_id = b.gid
LEFT JOIN grp g ON g.gid = b.gid
"""
