"""retail_analytics.products, and the product facts other tables re-derive (type, price,
launch and discontinuation, popularity).

Popularity is a keyed permutation of the products (rank 0 sells most) with a Zipf-Mandelbrot
law: a long tail, and a flattened head so that no product is in more than a few percent of
baskets. A product is one type of its category (data/catalog.json: a 55-inch 4K Smart TV,
a 6 ft HDMI cable), drawn by the type's share of the category and, for the most popular
ranks, leaning to the cheaper types (best sellers are everyday items). Its price is
log-normal around its type's level (higher for larger sizes), its cost follows the
category's margin, and its name (brand, type, attribute and a model code; a title for
books) is unique. Sales rise over a launch ramp and fade out before a discontinuation date,
with none after it. The most popular ranks (`always_on_sale`) predate the window and are
never discontinued, so every day has products to sell.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow, segments
from fakehouse.core.distinct import distinct
from fakehouse.core.distributions import Alias, Categorical, logistic, zipf_rank
from fakehouse.core.permutation import Permutation
from fakehouse.core.rng import Stream
from fakehouse.core.table import Column, Context, Table
from fakehouse.core.timeline import uniform_days
from fakehouse.domains.retail import suppliers
from fakehouse.domains.retail.catalog import catalog

NAME = "products"
BASE_ROWS = 5_000
NEVER = np.iinfo(np.int64).max // 2  # discontinuation day of a product still sold
ALWAYS_SHARE, ALWAYS_LEAST = 0.01, 10  # the top ranks that are always on sale
TIERS = 8  # bands of popularity ranks (the top 5%, 5-10%, ...) leaning less and less to cheap types
TIER_WIDTH = 0.05
PICK_DRAWS = 8  # draws before an event takes one of the products always on sale
MIN_LIFE_DAYS = 180  # a product is sold at least this long before it is discontinued


def ids(idx: np.ndarray) -> pa.Array:
    return TABLE.ids(idx)


def _popularity(ctx: Context) -> Permutation:
    return Permutation(ctx.sizes[NAME], ctx.stream(NAME, "popularity").key)


def popularity_rank(ctx: Context, idx: np.ndarray) -> np.ndarray:
    """0 for the best seller."""
    return _popularity(ctx).forward(idx)


def by_rank(ctx: Context, rank: np.ndarray) -> np.ndarray:
    """The products holding popularity ranks `rank`."""
    return _popularity(ctx).inverse(rank)


def always_on_sale(ctx: Context) -> int:
    """Popularity ranks below this predate the window and are never discontinued."""
    n = ctx.sizes[NAME]
    return int(min(n, max(ALWAYS_LEAST, np.ceil(n * ALWAYS_SHARE))))


def _categories(ctx: Context) -> Categorical:
    cats = ctx.params.products.categories  # in catalogue order (the parameters keep it)
    return Categorical.of({c: cats[c].share for c in catalog().categories})


def category(ctx: Context, idx: np.ndarray) -> np.ndarray:
    """Category code (index into catalog().categories)."""
    return _categories(ctx).sample(ctx.stream(NAME, "category").uniform(idx))


def _type_laws(ctx: Context) -> Alias:
    """The type law of each (category, popularity tier): law cat x TIERS + tier."""

    def build() -> Alias:
        c = catalog()
        lean = ctx.params.products.price_popularity
        level = np.log(c.type_level())
        laws = []
        for cat in range(len(c.categories)):
            rows = slice(c.type_start[cat], c.type_start[cat] + c.type_count[cat])
            relative = level[rows] - np.average(level[rows], weights=c.weight[rows])
            for tier in range(TIERS):
                # the top tier leans most to cheap types, the last one not at all
                tilt = lean * (1.0 - tier / (TIERS - 1))
                laws.append(c.weight[rows] * np.exp(-tilt * relative))
        return Alias.of(laws)

    return ctx.cached("products.types", build)


def kind(ctx: Context, idx: np.ndarray, cat: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Product type (index into catalog().types), within the category."""
    tier = np.minimum(rank // max(TIER_WIDTH * ctx.sizes[NAME], 1.0), TIERS - 1).astype(np.int64)
    within = _type_laws(ctx).sample(cat * TIERS + tier, ctx.stream(NAME, "type").uniform(idx))
    return catalog().type_start[cat] + within


def subcategory(ctx: Context, idx: np.ndarray) -> np.ndarray:
    """Subcategory code (index into catalog().subcategories): that of the product's type."""
    idx = np.asarray(idx, dtype=np.int64)
    k = kind(ctx, idx, category(ctx, idx), popularity_rank(ctx, idx))
    return catalog().type_subcategory[k]


@dataclass(frozen=True)
class Facts:
    """What sales, stock and the table itself need to know of products."""

    rank: np.ndarray
    category: np.ndarray
    kind: np.ndarray  # index into catalog().types
    attribute: np.ndarray  # index into catalog().attributes
    price: np.ndarray  # list price in cents

    @property
    def units(self) -> np.ndarray:
        """Mean units of a sale line of each product (several of a consumable, one TV)."""
        return catalog().units[self.kind]


def facts(ctx: Context, idx: np.ndarray, rank: np.ndarray | None = None) -> Facts:
    """Type, attribute and price of products `idx` (pass their ranks when known), worked out
    once per distinct product (sale lines repeat the popular ones)."""
    idx = np.asarray(idx, dtype=np.int64)
    found, first, back = distinct(idx, ctx.sizes[NAME])
    if len(found) == len(idx):
        return _facts(ctx, idx, popularity_rank(ctx, idx) if rank is None else rank)
    f = _facts(ctx, found, popularity_rank(ctx, found) if rank is None else rank[first])
    return Facts(*(getattr(f, x.name)[back] for x in fields(Facts)))


def _facts(ctx: Context, idx: np.ndarray, rank: np.ndarray) -> Facts:
    c = catalog()
    cat = category(ctx, idx)
    k = kind(ctx, idx, cat, rank)
    a = ctx.stream(NAME, "attribute").integers(idx, 0, c.attribute_count[k])
    cats = ctx.params.products.categories
    scale = np.array([cats[x].price_scale for x in c.categories])[cat]
    sigma = np.array([cats[x].price_sigma for x in c.categories])[cat]
    low, high = c.price_low[k], c.price_high[k]
    # sizes climb the type's range from cheap to dear; variants sit at its middle
    position = np.where(c.sized[k], (a + 0.5) / c.attribute_count[k], 0.5)
    level = low * (high / low) ** position
    noise = np.exp(sigma * logistic(ctx.stream(NAME, "unit_price").uniform(idx)))
    dollars = np.clip(level * noise, low, high) * scale
    price = np.floor(dollars).astype(np.int64) * 100 + 99  # ends in .99
    return Facts(rank, cat, k, c.attribute_start[k] + a, price)


def unit_cost_cents(ctx: Context, idx: np.ndarray, f: Facts | None = None) -> np.ndarray:
    """What the retailer pays for products `idx`, in cents: the price less a margin drawn in
    the category's range, and always below the price (pass their facts when known)."""
    f = facts(ctx, idx) if f is None else f
    cats = ctx.params.products.categories
    margins = np.array([cats[x].margin for x in catalog().categories])[f.category]
    low, high = margins[:, 0], margins[:, 1]
    margin = low + (high - low) * ctx.stream(NAME, "margin").uniform(idx)
    return np.minimum(np.round(f.price * (1.0 - margin)).astype(np.int64), f.price - 1)


def _new(ctx: Context, idx: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Launched inside the window."""
    u = ctx.stream(NAME, "new").uniform(idx)
    return (u < ctx.params.products.launched_in_window) & (rank >= always_on_sale(ctx))


def _dropped(ctx: Context, idx: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Chosen for discontinuation (inside the window, if the product lives long enough)."""
    u = ctx.stream(NAME, "discontinued").uniform(idx)
    return (u < ctx.params.products.discontinued_rate) & (rank >= always_on_sale(ctx))


def launch_day(ctx: Context, idx: np.ndarray, rank: np.ndarray | None = None) -> np.ndarray:
    """First day on sale; pass the popularity rank when known (saves a permutation). Products
    launched before the window were launched long enough before it to sell at their full
    rate from its first day."""
    p = ctx.params.products
    w = ctx.window
    rank = popularity_rank(ctx, idx) if rank is None else rank
    u = ctx.stream(NAME, "launch_date").uniform(idx)
    old_first = w.start_day - int(p.launch_lead_years * 365.25)
    old = uniform_days(u, old_first, w.start_day - 1 - p.launch_ramp_days)
    recent = uniform_days(u, w.start_day, w.end_day - 30)
    return np.where(_new(ctx, idx, rank), recent, old)


def discontinued_day(
    ctx: Context, idx: np.ndarray, rank: np.ndarray, launch: np.ndarray
) -> np.ndarray:
    """Last day on sale of products discontinued inside the window; NEVER for the others."""
    w = ctx.window
    first = np.maximum(launch + MIN_LIFE_DAYS, w.start_day)
    gone = _dropped(ctx, idx, rank) & (first <= w.end_day)
    day = uniform_days(ctx.stream(NAME, "discontinued_date").uniform(idx), first, w.end_day)
    return np.where(gone, day, NEVER)


def _rate(ctx: Context, launch: np.ndarray, gone: np.ndarray, day: np.ndarray) -> np.ndarray:
    p = ctx.params.products
    ramp = (day - launch + 1) / p.launch_ramp_days
    fade = (gone - day + 1) / p.fade_days
    return np.clip(np.minimum(ramp, fade), 0.0, 1.0) * (day >= launch) * (day <= gone)


def on_sale(ctx: Context, rank: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The products holding popularity ranks `rank`, and how much of its full rate of sales
    each has on `day`, 0..1: 0 before its launch and after its discontinuation, rising over
    the launch ramp and fading out before the discontinuation date. Only products launched
    inside the window or discontinued need their dates: the others sell at full rate."""
    product = by_rank(ctx, rank)
    rate = np.ones(len(rank))
    changing = np.flatnonzero(_new(ctx, product, rank) | _dropped(ctx, product, rank))
    idx, at = product[changing], rank[changing]
    launch = launch_day(ctx, idx, at)
    rate[changing] = _rate(ctx, launch, discontinued_day(ctx, idx, at, launch), day[changing])
    return product, rate


def kept(stream: Stream, index: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Events kept with their rate (a uniform drawn only where the rate is below 1)."""
    keep = rate >= 1.0
    doubt = np.flatnonzero(~keep)
    keep[doubt] = stream.uniform(index[doubt]) < rate[doubt]
    return keep


def pick(ctx: Context, stream: Stream, index: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Products for events `index` by popularity, each on sale on `day` (kept with its rate
    of sales that day, else drawn again; at last one of the products always on sale)."""
    p = ctx.params.products
    n = ctx.sizes[NAME]
    rank = np.zeros(len(index), dtype=np.int64)
    todo = np.arange(len(index))
    for attempt in range(PICK_DRAWS):
        draw = stream if attempt == 0 else stream.child("redraw", attempt)
        r = zipf_rank(draw.uniform(index[todo]), n, p.popularity_skew, p.popularity_offset)
        _, rate = on_sale(ctx, r, day[todo])
        keep = kept(draw.child("keep"), index[todo], rate)
        rank[todo[keep]] = r[keep]
        todo = todo[~keep]
        if not len(todo):
            break
    rank[todo] = stream.child("fallback").integers(index[todo], 0, always_on_sale(ctx))
    return by_rank(ctx, rank)


def supplier(
    ctx: Context, idx: np.ndarray, cat: np.ndarray, launch: np.ndarray, gone: np.ndarray
) -> np.ndarray:
    """The supplier of each product: one of its category's, under contract every day the
    product is on sale in the window (worked out once per distinct product)."""
    w = ctx.window
    found, first, back = distinct(idx, ctx.sizes[NAME])
    start = np.maximum(launch[first], w.start_day)
    end = np.minimum(gone[first], w.end_day)
    return suppliers.supplying(ctx, found, cat[first], start, end)[back]


def _initials(name: str) -> str:
    words = [w for w in name.replace("&", " ").split() if w[0].isalpha()]
    return (words[0][:2] if len(words) == 1 else words[0][0] + words[1][0]).upper()


def _titles(ctx: Context, idx: np.ndarray) -> pa.Array:
    """Book titles from the catalogue's words, one per product number (a keyed permutation of
    the products), so no two books share one; beyond the words' combinations a title
    repeats with "Book 2", "Book 3", ..."""
    words = catalog().raw["book_titles"]
    lists = {"w": words["words"], "n": words["nouns"], "m": words["nouns"]}
    patterns = words["patterns"]
    slots = [[k for k in "wnm" if "{" + k + "}" in pattern] for pattern in patterns]
    sizes = np.array([np.prod([len(lists[k]) for k in s]) for s in slots], dtype=np.int64)
    number = Permutation(ctx.sizes[NAME], ctx.stream(NAME, "title").key).forward(idx)
    volume, rest = np.divmod(number, sizes.sum())
    which = np.searchsorted(np.cumsum(sizes), rest, side="right")
    rest = rest - segments.starts(sizes)[which]
    made = []
    for k, (pattern, keys) in enumerate(zip(patterns, slots, strict=True)):
        parts, r = {}, rest[which == k]
        for key in keys:
            r, digit = np.divmod(r, len(lists[key]))
            parts[key] = arrow.labels(lists[key], digit)
        pieces, text = [], pattern
        while text:  # the pattern's literal text and its slots, in order
            head, _, tail = text.partition("{")
            pieces += [head] if head else []
            if tail:
                pieces.append(parts[tail[0]])
            text = tail[2:]
        made.append(arrow.join(*pieces))
    order = np.argsort(which, kind="stable")  # rows grouped by pattern, as `made` is
    title = arrow.take(pa.concat_arrays(made), np.argsort(order))
    book = arrow.join(", Book ", arrow.number_strings(volume + 1))
    return arrow.where(volume > 0, arrow.join(title, book), title)


def _names(ctx: Context, idx: np.ndarray, f: Facts, brand: np.ndarray) -> pa.Array:
    """Brand, type, attribute and model code (the brand's initials and a number that is a
    keyed permutation of the products, so unique; digits only, so that a search for "TV"
    finds televisions); books: title, type and binding."""
    c = catalog()
    n = ctx.sizes[NAME]
    codes = arrow.strings([_initials(b) for b in c.brands.to_pylist()])
    number = Permutation(n, ctx.stream(NAME, "model").key).forward(idx)
    digits = arrow.number_strings(number, width=max(4, len(str(n - 1))))
    model = arrow.join(arrow.take(codes, brand), "-", digits)
    kind_name = arrow.take(c.types, f.kind)
    attribute = arrow.take(c.attributes, f.attribute)
    goods = arrow.join(
        arrow.take(c.brands, brand), " ", kind_name, ", ", attribute, " (", model, ")"
    )
    books = c.categories.index("Books") if "Books" in c.categories else -1
    is_book = f.category == books
    if not is_book.any():
        return goods
    book = arrow.join(_titles(ctx, idx), " (", kind_name, ", ", attribute, ")")
    return arrow.where(is_book, book, goods)


def block(ctx: Context, start: int, stop: int, first_row: int) -> dict:
    c = catalog()
    idx = np.arange(start, stop, dtype=np.int64)
    s = lambda column: ctx.stream(NAME, column)  # noqa: E731
    rank = popularity_rank(ctx, idx)
    f = facts(ctx, idx, rank)
    brand = c.brand_start[f.category] + s("brand").integers(idx, 0, c.brand_count[f.category])
    cost = unit_cost_cents(ctx, idx, f)
    launch = launch_day(ctx, idx, rank)
    gone = discontinued_day(ctx, idx, rank, launch)
    supplied_by = supplier(ctx, idx, f.category, launch, gone)
    category_codes = arrow.labels([x[:3].upper() for x in c.categories], f.category)
    return {
        "product_id": ids(idx),
        "product_name": _names(ctx, idx, f, brand),
        "sku": arrow.join(category_codes, arrow.number_strings(idx + 1, width=9), sep="-"),
        "category": arrow.labels(c.categories, f.category),
        "subcategory": arrow.take(c.subcategories, c.type_subcategory[f.kind]),
        "product_type": arrow.take(c.types, f.kind),
        "brand": arrow.take(c.brands, brand),
        "unit_cost": arrow.money(cost),
        "unit_price": arrow.money(f.price),
        "supplier_id": suppliers.ids(supplied_by),
        "launch_date": arrow.dates(launch),
        "discontinued": gone != NEVER,
        "discontinued_date": arrow.dates(np.where(gone == NEVER, 0, gone), mask=gone == NEVER),
    }


TABLE = Table(
    name=NAME,
    description="The catalogue: six categories of product types with their own prices and margins.",
    base_rows=BASE_ROWS,
    block=block,
    primary_key=("product_id",),
    parents=("suppliers",),
    columns=(
        Column(
            "product_id",
            pa.string(),
            "Product key, PROD + 9 digits, dense from 1.",
            unique=True,
            id_prefix="PROD",
        ),
        Column(
            "product_name",
            pa.string(),
            "Unique: brand, type, attribute and model code (books: title, type, binding).",
            unique=True,
        ),
        Column(
            "sku", pa.string(), "Unique stock keeping unit: category code and number.", unique=True
        ),
        Column(
            "category",
            pa.string(),
            "Electronics, Clothing, Home & Garden, Books, Sports or Beauty.",
        ),
        Column("subcategory", pa.string(), "Subcategory within the category."),
        Column(
            "product_type",
            pa.string(),
            "What the product is within its subcategory (4K Smart TV, HDMI Cable, ...); "
            "sets its price level and how many units a sale line holds.",
        ),
        Column("brand", pa.string(), "Brand (fictional), one of the category's."),
        Column(
            "unit_cost", arrow.MONEY, "What the retailer pays: the category's margin below price."
        ),
        Column(
            "unit_price",
            arrow.MONEY,
            "List price: log-normal around the type's level (higher for larger sizes), ends "
            "in .99.",
        ),
        Column(
            "supplier_id",
            pa.string(),
            "A supplier of the category, under contract while the product sells.",
            references="suppliers.supplier_id",
        ),
        Column("launch_date", pa.date32(), "First day on sale; never after a sale of it."),
        Column("discontinued", pa.bool_(), "Discontinued: discontinued_date is set."),
        Column(
            "discontinued_date",
            pa.date32(),
            "Last day on sale (sales fade out before it, none after), else null.",
            nullable=True,
        ),
    ),
)
