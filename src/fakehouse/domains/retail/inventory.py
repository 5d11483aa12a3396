"""retail_analytics.inventory: each store's assortment, and its stock at the last count.

The table's rows are the stores' assortments: a fulfilment centre carries a share of the
rows (`online_share`, split evenly), a physical store the rest by floor area to the
configured elasticity; the split is exact (one int per store, built once per worker), so
row i is slot k of store s by a binary search. Slot k of a store holds one product of a band
of popularity ranks: slot 0 one of the products always on sale, the next slots one product
each of consecutive bands reaching down to `spread` x the assortment's size (the whole
catalogue for a fulfilment centre). Pairs are unique by construction, best sellers are in
more stores than slow ones, physical stores differ, and the fulfilment centres between them
carry (nearly) the whole catalogue.

A sale line picks a slot of its store with the Zipf-Mandelbrot law of product popularity
(slot k stands for ranks about k x the band width), keeps it with the product's rate of
sales that day (launch ramp, discontinuation fade) and else draws again, at last taking
slot 0: every line sells a product its store stocks.

Stock follows the same model at full scale: a pair's expected daily units (its store's
expected sales, the slot's share, the type's units per line, at `daily_units` for an average
product of an average store) times a log-normal number of days of supply; the reorder point
covers the supplier's lead time plus safety days. Fast sellers run out more often; closed
stores hold nothing, and discontinued products only a remainder.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow, reference
from fakehouse.core.distributions import ZipfLaws
from fakehouse.core.rng import Stream, path
from fakehouse.core.segments import apportion, starts
from fakehouse.core.table import Column, Context, Table
from fakehouse.core.timeline import uniform_days
from fakehouse.domains.retail import products, stores, suppliers

NAME = "inventory"
COUNT_DAYS = 90  # stock counts happen in the last 90 days of the window
DRAWS = 6  # slots tried for a sale line before slot 0 (always on sale)
DISPLAY_UNITS = 2  # a store keeps at least this many units of what it sells on the shelf


@dataclass(frozen=True)
class Assortments:
    """Per store: products carried (`size`), first inventory row (`start`) and the popularity
    ranks its slots reach (`reach`: ranks [0, reach) in bands; `first` ranks in slot 0)."""

    size: np.ndarray
    start: np.ndarray
    reach: np.ndarray
    first: np.ndarray


def assortments(ctx: Context) -> Assortments:
    def build() -> Assortments:
        p = ctx.params.inventory
        n_stores, n_products = ctx.sizes[stores.NAME], ctx.sizes[products.NAME]
        n_online = stores.online_count(ctx)
        idx = np.arange(n_stores, dtype=np.int64)
        online = idx < n_online
        area = stores.size_sqft(ctx, idx).astype(np.float64) ** p.size_elasticity
        physical = area / area[~online].sum() if (~online).any() else area
        has_physical = (~online).any()
        share = p.online_share if has_physical else 1.0
        weight = np.where(online, share / n_online, (1.0 - share) * physical)
        size = apportion(ctx.sizes[NAME], weight, np.full(n_stores, n_products))
        reach = np.where(online, n_products, np.minimum(n_products, np.ceil(p.spread * size)))
        reach = np.maximum(reach, size).astype(np.int64)
        width = reach // np.maximum(size, 1)
        first = np.clip(np.minimum(width, products.always_on_sale(ctx)), 1, reach)
        return Assortments(size, starts(size), reach, first)

    return ctx.cached("inventory.assortments", build)


def slot_rank(ctx: Context, store: np.ndarray, slot: np.ndarray) -> np.ndarray:
    """Popularity rank of the product in `slot` of each store: slot 0 one of the first ranks
    (always on sale), slot k >= 1 one of band k of the ranks down to the store's reach."""
    a = assortments(ctx)
    size, reach, first = a.size[store], a.reach[store], a.first[store]
    bands = np.maximum(size - 1, 1)
    k = np.maximum(slot - 1, 0)
    low = np.where(slot == 0, 0, first + (k * (reach - first)) // bands)
    high = np.where(slot == 0, first, first + ((k + 1) * (reach - first)) // bands)
    # a physical store takes any product of the band; the fulfilment centres share each band
    # out among themselves (centre j the j-th product after a random start), so that together
    # they carry the whole catalogue
    offset = np.empty(len(store), dtype=np.int64)
    online = store < stores.online_count(ctx)
    shared, own = np.flatnonzero(online), np.flatnonzero(~online)
    shift = ctx.stream(NAME, "band").integers(slot[shared], 0, 1 << 30)
    offset[shared] = (store[shared] + shift) % np.maximum(high - low, 1)[shared]
    u = ctx.stream(NAME, "product").uniform(path(store[own], slot[own]))
    offset[own] = np.floor(u * (high - low)[own]).astype(np.int64)
    return low + offset


def _slot_laws(ctx: Context) -> ZipfLaws:
    """The popularity law of each store's slots (law s for store s): Zipf-Mandelbrot over its
    assortment with the products' exponent; slot k stands for ranks about k x the store's
    band width, so the offset is the products' one over the width."""

    def build() -> ZipfLaws:
        a = assortments(ctx)
        p = ctx.params.products
        width = a.reach / np.maximum(a.size, 1)
        return ZipfLaws.of(np.maximum(a.size, 1), p.popularity_skew, p.popularity_offset / width)

    return ctx.cached("inventory.slot_laws", build)


def slot_share(ctx: Context, store: np.ndarray, slot: np.ndarray) -> np.ndarray:
    """Share of the store's sale lines that its slot gets at full rate (the slot law)."""
    return _slot_laws(ctx).share(slot, store)


def pick(
    ctx: Context, stream: Stream, index: np.ndarray, store: np.ndarray, day: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Products (and their popularity ranks) for sale lines `index` at `store` on `day`: a
    slot of the store's assortment by popularity, kept with the product's rate of sales that
    day, else drawn again; at last slot 0, always on sale."""
    laws = _slot_laws(ctx)
    product = np.zeros(len(index), dtype=np.int64)
    rank = np.zeros(len(index), dtype=np.int64)
    todo = np.arange(len(index))
    for attempt in range(DRAWS):
        draw = stream if attempt == 0 else stream.child("redraw", attempt)
        k = laws.sample(draw.uniform(index[todo]), store[todo])
        r = slot_rank(ctx, store[todo], k)
        p, rate = products.on_sale(ctx, r, day[todo])
        keep = products.kept(draw.child("keep"), index[todo], rate)
        product[todo[keep]], rank[todo[keep]] = p[keep], r[keep]
        todo = todo[~keep]
        if not len(todo):
            break
    rank[todo] = slot_rank(ctx, store[todo], np.zeros(len(todo), dtype=np.int64))
    product[todo] = products.by_rank(ctx, rank[todo])
    return product, rank


def _daily_sales(ctx: Context) -> np.ndarray:
    """Expected sales a day of every store at full traffic (in the warehouse's own units):
    the online share of sales split over the fulfilment centres, the rest over the states by
    their customers and over a state's stores by traffic."""

    def build() -> np.ndarray:
        segments = ctx.params.segments
        weight = np.array([x.share * x.purchase_frequency for x in segments.values()])
        online = np.array([x.online_share for x in segments.values()])
        online_share = float(weight @ online / weight.sum())
        per_day = ctx.sizes["transactions"] / ctx.window.days
        mix = ctx.params.customers.state_mix
        state_share = reference.states().share if mix.is_population else np.asarray(mix.shares())
        index = stores.state_index(ctx)
        state = stores.profile(ctx).state
        traffic = np.zeros(len(state))
        traffic[index.stores] = np.diff(np.concatenate([[0.0], index.cum]))
        in_state = np.bincount(state, weights=traffic, minlength=len(state_share))
        share = traffic / np.maximum(in_state[state], 1e-12) * state_share[state]
        n_online = stores.online_count(ctx)
        out = per_day * (1.0 - online_share) * share
        out[:n_online] = per_day * online_share / n_online
        return out

    return ctx.cached("inventory.daily_sales", build)


def block(ctx: Context, start: int, stop: int, first_row: int) -> dict:
    p = ctx.params.inventory
    w = ctx.window
    i = np.arange(start, stop, dtype=np.int64)
    s = lambda column: ctx.stream(NAME, column)  # noqa: E731
    a = assortments(ctx)
    store = np.searchsorted(a.start, i, side="right") - 1
    slot = i - a.start[store]
    rank = slot_rank(ctx, store, slot)
    product = products.by_rank(ctx, rank)
    facts = products.facts(ctx, product, rank)
    launch = products.launch_day(ctx, product, rank)
    gone = products.discontinued_day(ctx, product, rank, launch)
    closing = stores.profile(ctx).closing[store]
    closed = closing != stores.NEVER

    # units a day at full scale: the model's expected units, scaled so that an average
    # product of an average store sells `daily_units` (of its type's units per line)
    scale = p.daily_units * ctx.sizes[NAME] / (ctx.sizes["transactions"] / w.days)
    velocity = _daily_sales(ctx)[store] * slot_share(ctx, store, slot) * facts.units * scale
    days = p.days_of_supply * np.exp(p.days_of_supply_sigma * s("days_of_supply").normal(i))
    on_hand = np.round(velocity * days).astype(np.int64) + DISPLAY_UNITS
    supplier = products.supplier(ctx, product, facts.category, launch, gone)
    lead = suppliers.lead_time(ctx, supplier)
    reorder_point = np.ceil(velocity * (lead + p.safety_days)).astype(np.int64) + DISPLAY_UNITS
    reorder_quantity = np.maximum(np.ceil(velocity * p.order_days).astype(np.int64), 1)

    # fast sellers run out more often: odds against an average pair's velocity (a constant,
    # so that a row's stock does not depend on the block it is made in)
    odds = np.sqrt(velocity / p.daily_units)
    out = s("stockout").uniform(i) < np.minimum(p.stockout_rate * odds, 0.5)
    end = w.end_day
    count = uniform_days(s("count_date").uniform(i), np.maximum(launch, end - COUNT_DAYS), end)
    dropped = gone <= count
    leftover = 1 + np.floor(s("leftover").uniform(i) * 3).astype(np.int64)  # to clear
    on_hand = np.select([closed, dropped, out], [0, leftover, 0], on_hand)
    no_orders = closed | dropped
    reorder_point = np.where(no_orders, 0, reorder_point)
    reorder_quantity = np.where(no_orders, 0, reorder_quantity)
    reserved_share = np.where(store < stores.online_count(ctx), 0.4, 0.1)
    reserved = np.floor(on_hand * reserved_share * s("reserved").uniform(i) ** 2).astype(np.int64)
    # a closed store's last count closed it out (the product's launch, if later)
    count = np.where(closed, np.maximum(np.minimum(closing, end), launch), count)
    return {
        "inventory_id": TABLE.ids(i),
        "product_id": products.ids(product),
        "store_id": stores.ids(store),
        "quantity_on_hand": on_hand.astype(np.int32),
        "quantity_reserved": reserved.astype(np.int32),
        "quantity_available": (on_hand - reserved).astype(np.int32),
        "reorder_point": reorder_point.astype(np.int32),
        "reorder_quantity": reorder_quantity.astype(np.int32),
        "last_count_date": arrow.dates(count),
        "stockout_flag": on_hand == 0,
    }


def pairs(sizes: dict[str, int]) -> int:
    """At most one row per (product, store): a function of the module, so that the domain
    pickles (spawned workers, Spark executors)."""
    return sizes[stores.NAME] * sizes[products.NAME]


TABLE = Table(
    name=NAME,
    description="Each store's assortment: stock per (product, store) at its last count.",
    base_rows=20_000,
    block=block,
    primary_key=("inventory_id",),
    parents=("products", "stores", "suppliers"),
    limit=pairs,
    columns=(
        Column(
            "inventory_id",
            pa.string(),
            "Inventory key, INV + 10 digits.",
            unique=True,
            id_prefix="INV",
        ),
        Column(
            "product_id",
            pa.string(),
            "A product the store carries (every sale line's product is one its store "
            "carries); unique together with store_id.",
            references="products.product_id",
        ),
        Column(
            "store_id",
            pa.string(),
            "The store or fulfilment centre; larger stores carry more products.",
            references="stores.store_id",
        ),
        Column(
            "quantity_on_hand",
            pa.int32(),
            "Units counted: days of supply at the pair's sales rate; 0 is a stockout (fast "
            "sellers more often), and at closed stores.",
        ),
        Column("quantity_reserved", pa.int32(), "Units held for orders, 0..on_hand."),
        Column("quantity_available", pa.int32(), "on_hand - reserved."),
        Column(
            "reorder_point",
            pa.int32(),
            "Reorder when available falls below this: sales over the supplier's lead time "
            "plus safety days (0 when no longer reordered).",
        ),
        Column("reorder_quantity", pa.int32(), "Units ordered at a time: weeks of sales."),
        Column(
            "last_count_date",
            pa.date32(),
            "Last stock count, after the product's launch (a closed store's: its closing).",
        ),
        Column("stockout_flag", pa.bool_(), "True iff quantity_on_hand = 0."),
    ),
)
