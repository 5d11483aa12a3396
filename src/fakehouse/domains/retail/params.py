"""Every business parameter of the retail warehouse, in one typed, documented object.

One model per entity, and one model per key of a vocabulary (`segments.VIP.purchase_frequency`,
`products.categories.Books.price_median`) instead of parallel dicts. Mixes are label -> weight
(normalised when used); ranges are [low, high]; money is in dollars. Tables read these values
and hold no literals of their own. A configuration file can override any of them
(`fakehouse config show retail`); `RetailParams.parse(data)` lists every fault with its path.
"""

from __future__ import annotations

import json
from importlib import resources

from pydantic import Field, model_validator

from fakehouse.core.timeline import ONLINE_HOUR_WEIGHTS
from fakehouse.domains.params import (
    HOLIDAY_NAMES,
    ByHour,
    ByMonth,
    ByWeekday,
    DomainParams,
    History,
    IntRange,
    Label,
    Mix,
    NumberMix,
    Params,
    Positive,
    Probability,
    Share,
    StateMix,
    Vocabulary,
    Weight,
    hours,
    months,
    shares,
    weekdays,
)
from fakehouse.domains.people import PeopleParams

SEGMENTS = ("VIP", "Premium", "Regular", "Basic")  # most active first
SEGMENT = Vocabulary("segment", SEGMENTS)
STATUSES = ("Completed", "Returned", "Cancelled", "Pending")
CHANNELS = ("In-Store", "Online")
CHANNEL = Vocabulary("channel", CHANNELS)
#: where a campaign's sales happen: online, in a store, or either
CAMPAIGN_CHANNEL = Vocabulary("campaign channel", ("Online", "In-Store", "Any"))
EMAIL_DOMAINS = Vocabulary("reserved email domain", ("example.com", "example.net", "example.org"))
EMPLOYMENT = Vocabulary("employment type", ("Full-time", "Part-time", "Seasonal", "Contract"))
DISTANCES = Vocabulary("distance", ("domestic", "nearshore", "overseas"))
BROWSING = Vocabulary("browsing event", ("product_view", "page_view", "search"))
LANDING = Vocabulary("landing page", ("home", "category", "search", "product"))


def _catalog_categories() -> list[str]:
    text = resources.files("fakehouse.domains.retail").joinpath("data/catalog.json").read_text()
    return list(json.loads(text)["categories"])


#: the catalogue's categories (data/catalog.json), in its order
CATEGORIES = Vocabulary("product category", _catalog_categories)


class Calendar(Params):
    yearly_growth: float = Field(
        0.08, ge=-0.5, le=2.0, description="Growth of activity per year (trend)."
    )
    months: ByMonth = Field(
        months((0.80, 0.75, 0.88, 0.90, 0.97, 0.95, 0.96, 1.00, 0.92, 0.98, 1.30, 1.65)),
        description="Relative activity per calendar month (Nov-Dec high season).",
    )
    weekdays: ByWeekday = Field(
        weekdays((0.90, 0.88, 0.92, 0.97, 1.12, 1.30, 1.10)),
        description="Relative activity per weekday.",
    )
    store_hours: ByHour = Field(
        hours(
            (
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0.15,
                0.45,
                0.85,
                1.6,
                1.9,
                2.1,
                2.0,
                1.6,
                1.05,
                1.0,
                1.2,
                1.75,
                1.95,
                1.55,
                0.7,
                0.2,
                0,
            )
        ),
        description="In-store sales per hour 0..23: closed at night, peaks 10-14 and 18-20.",
    )
    online_hours: ByHour = Field(
        hours(ONLINE_HOUR_WEIGHTS),
        description="Online sales and web sessions per hour 0..23: all day, evening peak.",
    )
    holidays: HOLIDAY_NAMES.some(Weight) = Field(
        {
            "thanksgiving": 0.45,
            "black_friday": 3.2,
            "cyber_monday": 2.4,
            "christmas_rush": 1.35,
            "christmas_eve": 1.2,
            "christmas_day": 0.05,
            "boxing_week": 1.25,
            "new_year": 0.4,
            "independence_day": 0.7,
        },
        description="Activity multipliers of the retail calendar's special days (1 = none).",
    )


class Segment(Params):
    """A segment's share and behaviour. Customers are ranked by activity; the segment's band of
    ranks sets the purchase rate while active, the registration date and the chance of a long
    life. The segment a customer is labelled with is earned: the labels cut the customers
    ranked by expected purchases over the window, in these shares."""

    share: Weight = Field(
        description="Share of customers in the segment (VIP: the top spenders of the window)."
    )
    purchase_frequency: Weight = Field(
        description="Relative purchase rate of the segment's band while a customer is active."
    )
    basket_mean: float = Field(ge=1, description="Mean items per sale (1 to sales.max_items).")
    online_share: Probability = Field(description="Share of the segment's purchases made online.")
    registration_skew: Positive = Field(
        description="Exponent on the registration draw: > 1 registers earlier (longer tenure)."
    )
    opt_in_rate: Probability = Field(description="Share agreeing to marketing messages.")
    loyal_share: Probability = Field(
        description="Share of the segment's customers with a long life (the loyal core); the "
        "others churn after a few months (customers.life_months)."
    )


def _segments() -> dict[str, Segment]:
    rows = {
        #          share freq basket online reg  opt-in loyal
        "VIP": (0.05, 6.0, 6.0, 0.35, 1.8, 0.85, 0.8),
        "Premium": (0.20, 2.6, 4.6, 0.33, 1.3, 0.72, 0.45),
        "Regular": (0.45, 1.0, 3.6, 0.28, 1.0, 0.58, 0.18),
        "Basic": (0.30, 0.45, 2.6, 0.24, 0.75, 0.45, 0.06),
    }
    names = [n for n in Segment.model_fields]
    return {k: Segment(**dict(zip(names, v, strict=True))) for k, v in rows.items()}


class CustomerParams(Params):
    state_mix: StateMix = Field(
        StateMix(), description="Home states: by population, or your own top states."
    )
    activity_skew: float = Field(
        1.3, ge=1.0, description="Heavy tail of activity inside a segment (1 = flat)."
    )
    registration_lead_years: float = Field(
        1.0, ge=0, le=50, description="Customers may have registered this long before the window."
    )
    loyal_life_years: Positive = Field(
        4.0, description="Mean life (registration to churn) of loyal customers, in years."
    )
    life_months: Positive = Field(
        2.5, description="Mean life of the other customers, in months: most churn early."
    )
    first_purchase_rate: Probability = Field(
        0.9, description="Share of customers registering in the window who buy that day."
    )
    reactivation_rate: Probability = Field(
        0.15, description="Chance that a churned customer comes back once, for another life."
    )
    reactivation_gap_months: Positive = Field(
        10.0, description="Mean months between churning and coming back."
    )
    email_domains: EMAIL_DOMAINS.mix() = Field(
        {"example.com": 0.5, "example.net": 0.3, "example.org": 0.2},
        description="Reserved documentation domains only, so no email can reach a real person.",
    )


class Category(Params):
    share: Weight = Field(description="Share of products in the category.")
    price_median: Positive = Field(description="Median unit price (log-normal around it).")
    price_sigma: Weight = Field(description="Log-normal spread of unit prices.")
    margin: Share = Field(
        (0.18, 0.62), description="Gross margin range: unit_cost = unit_price x (1 - margin)."
    )


def _categories() -> dict[str, Category]:
    rows = {
        "Electronics": (0.18, 180.0, 0.95),
        "Clothing": (0.24, 38.0, 0.55),
        "Home & Garden": (0.20, 55.0, 0.75),
        "Books": (0.14, 17.0, 0.4),
        "Sports": (0.13, 48.0, 0.7),
        "Beauty": (0.11, 22.0, 0.5),
    }
    return {k: Category(share=s, price_median=m, price_sigma=g) for k, (s, m, g) in rows.items()}


class ProductParams(Params):
    categories: shares(CATEGORIES.each(Category)) = Field(
        default_factory=_categories,
        description="Per category of the catalogue: share, price level and margin.",
    )
    popularity_skew: float = Field(1.05, gt=0, description="Zipf exponent of product sales.")
    launched_in_window: Probability = Field(
        0.2, description="Share of products launched inside the window."
    )
    launch_lead_years: float = Field(
        8.0, gt=0, le=50, description="Oldest products launched this long before the window."
    )
    discontinued_rate: Probability = Field(0.07, description="Share no longer reordered.")


class StoreType(Params):
    share: Weight = Field(description="Share of physical stores of this type.")
    size_sqft: IntRange = Field(description="Selling area range in square feet.")


class StoreParams(Params):
    types: shares(dict[Label, StoreType]) = Field(
        {
            "Flagship": StoreType(share=0.05, size_sqft=(40_000, 90_000)),
            "Mall": StoreType(share=0.30, size_sqft=(8_000, 25_000)),
            "Standalone": StoreType(share=0.33, size_sqft=(12_000, 45_000)),
            "Outlet": StoreType(share=0.14, size_sqft=(10_000, 30_000)),
            "Express": StoreType(share=0.16, size_sqft=(2_500, 6_000)),
        },
        description="Physical store types.",
    )
    online_share: float = Field(
        0.02, ge=0, lt=1, description="Share of stores that are online (at least one)."
    )
    opening_lead_years: float = Field(
        20.0, gt=0, le=100, description="Oldest stores opened this long before the window."
    )
    opened_in_window: Probability = Field(
        0.1, description="Share of stores opened inside the window."
    )
    closed_rate: Probability = Field(
        0.03, description="Share of physical stores closed in the window."
    )


class Position(Params):
    department: Label
    share: Weight = Field(description="Share of a store's staff in this position.")
    salary: Positive = Field(description="Median annual salary in dollars.")


def _positions(rows: dict[str, tuple[str, float, float]]) -> dict[str, Position]:
    return {k: Position(department=d, share=sh, salary=sa) for k, (d, sh, sa) in rows.items()}


class EmployeeParams(Params):
    positions: shares(dict[Label, Position]) = Field(
        _positions(
            {
                "Sales Associate": ("Sales", 0.34, 33_000),
                "Cashier": ("Sales", 0.20, 29_000),
                "Stock Associate": ("Operations", 0.16, 31_000),
                "Visual Merchandiser": ("Merchandising", 0.06, 42_000),
                "Customer Service Representative": ("Customer Service", 0.12, 36_000),
                "Department Supervisor": ("Sales", 0.08, 52_000),
                "Loss Prevention Specialist": ("Security", 0.04, 40_000),
            }
        ),
        description="Positions of store staff.",
    )
    online_positions: shares(dict[Label, Position]) = Field(
        _positions(
            {
                "Fulfillment Associate": ("Operations", 0.45, 34_000),
                "Customer Service Representative": ("Customer Service", 0.35, 36_000),
                "E-commerce Specialist": ("Digital", 0.20, 68_000),
            }
        ),
        description="Positions at online stores (fulfilment centres).",
    )
    store_manager_salary: Positive = Field(82_000, description="Median salary of store managers.")
    assistant_manager_salary: Positive = Field(
        58_000, description="Median salary of assistant store managers."
    )
    salary_sigma: float = Field(0.12, ge=0, description="Log-normal spread of salaries.")
    employment_mix: EMPLOYMENT.mix() = Field(
        {"Full-time": 0.62, "Part-time": 0.28, "Seasonal": 0.06, "Contract": 0.04},
        description="Employment types of staff (managers are full-time).",
    )
    part_time_factor: float = Field(
        0.55, gt=0, le=1, description="Part-time and seasonal salary factor."
    )
    active_rate: Probability = Field(
        0.86, description="Share of staff (not managers) still employed."
    )


class SupplierParams(Params):
    type_mix: Mix = Field(
        {"Manufacturer": 0.45, "Distributor": 0.30, "Wholesaler": 0.18, "Dropshipper": 0.07},
        description="Supplier types.",
    )
    country_mix: Mix = Field(
        {
            "United States": 0.52,
            "China": 0.16,
            "Mexico": 0.06,
            "Canada": 0.05,
            "Vietnam": 0.05,
            "India": 0.05,
            "Germany": 0.04,
            "Japan": 0.03,
            "United Kingdom": 0.02,
            "Italy": 0.02,
        },
        description="Countries suppliers ship from.",
    )
    lead_time_days: DISTANCES.each(IntRange) = Field(
        {"domestic": (3, 14), "nearshore": (7, 21), "overseas": (20, 60)},
        description="Lead time ranges by distance; United States is domestic, "
        "Mexico and Canada nearshore, the rest overseas.",
    )
    payment_terms: Mix = Field(
        {"Net 30": 0.45, "Net 60": 0.2, "Net 45": 0.15, "Net 15": 0.1, "2/10 Net 30": 0.1},
        description="Invoice terms.",
    )
    rating_mean: float = Field(4.0, ge=1, le=5, description="Mean supplier score (1-5).")
    rating_sd: float = Field(0.5, ge=0, description="Spread of supplier scores.")
    contract_years: IntRange = Field((1, 5), description="Contract length range in years.")


class Outcome(Params):
    """How a channel's sales end. A sale is Cancelled with cancel_rate; else it is Pending
    until it completes, pending_days after it was placed (uniform in the range; 0: at once),
    so only the last days of the window hold Pending sales; a completed sale comes back
    (Returned) with the return rate, on a return date after the sale."""

    cancel_rate: Probability = Field(description="Share of the channel's sales cancelled.")
    return_rate: Probability = Field(
        description="Share of completed sales returned (lines of return factor 1)."
    )
    pending_days: IntRange = Field(description="Days from the order until it completes.")

    @model_validator(mode="after")
    def _days(self) -> Outcome:
        if self.pending_days[0] < 0:
            raise ValueError("pending_days must not be negative")
        return self


class SalesParams(Params):
    max_items: int = Field(10, ge=1, le=16, description="Most lines in one sale.")
    quantity_mix: NumberMix = Field(
        {1: 0.72, 2: 0.18, 3: 0.06, 4: 0.025, 5: 0.015}, description="Units per line."
    )
    outcomes: CHANNEL.each(Outcome) = Field(
        {
            "In-Store": Outcome(cancel_rate=0.004, return_rate=0.07, pending_days=(0, 0)),
            "Online": Outcome(cancel_rate=0.035, return_rate=0.18, pending_days=(1, 6)),
        },
        description="How sales of each channel end: cancelled, pending, returned or completed.",
    )
    return_factors: CATEGORIES.some(Positive) = Field(
        {
            "Electronics": 0.9,
            "Clothing": 1.7,
            "Home & Garden": 0.8,
            "Books": 0.45,
            "Sports": 1.0,
            "Beauty": 0.6,
        },
        description="Relative return rate of a category's lines (1 where not given); a sale's "
        "chance of return is its channel's return_rate x the mean factor of its lines.",
    )
    return_days: IntRange = Field(
        (1, 45),
        description="A return comes back this many days after the sale (most early); one due "
        "after the window's end has not happened yet (the sale stays Completed).",
    )
    store_payment_mix: Mix = Field(
        {
            "Credit Card": 0.44,
            "Debit Card": 0.30,
            "Cash": 0.14,
            "Mobile Wallet": 0.10,
            "Gift Card": 0.02,
        },
        description="Payment methods in store.",
    )
    online_payment_mix: Mix = Field(
        {
            "Credit Card": 0.55,
            "PayPal": 0.20,
            "Debit Card": 0.15,
            "Mobile Wallet": 0.08,
            "Gift Card": 0.02,
        },
        description="Payment methods online.",
    )
    promo_rate: Probability = Field(
        0.06, description="Chance of a line promotion without a campaign."
    )
    promo_discount: Share = Field((0.05, 0.2), description="Discount range of a promotion.")

    @model_validator(mode="after")
    def _returns_after_sale(self) -> SalesParams:
        if self.return_days[0] < 1:
            raise ValueError("return_days must start at 1 day or more: a return follows its sale")
        return self


class BehaviorParams(Params):
    """The web clickstream: a sample of the shop's sessions (see behavior.py for the model).

    Shares are of all sessions; the defaults are near published e-commerce figures (session
    conversion about 2-4%, bounce about 35-55%, about 70% of carts abandoned)."""

    device_mix: Mix = Field(
        {"Mobile": 0.56, "Desktop": 0.36, "Tablet": 0.08}, description="Devices of web sessions."
    )
    conversion_rate: Probability = Field(
        0.03,
        description="Sessions that end in an order (each the visit of one online order; fewer "
        "when there are not that many online orders).",
    )
    bounce_rate: Probability = Field(0.45, description="Sessions of a single page.")
    cart_abandonment: float = Field(
        0.7, ge=0, lt=1, description="Sessions with an add to cart that end without an order."
    )
    abandoned_at_checkout: Probability = Field(
        0.3, description="Abandoned carts that went as far as checkout_start."
    )
    cart_items_mean: float = Field(
        1.5, ge=1, le=8, description="Mean products added to an abandoned cart."
    )
    landing_mix: LANDING.mix() = Field(
        {"home": 0.35, "category": 0.2, "search": 0.1, "product": 0.35},
        description="The page a session starts on (a product page from an ad or a search "
        "engine, ...).",
    )
    browse_mean: float = Field(
        5.0,
        ge=1,
        le=20,
        description="Mean browsing events after the landing page of a session that does not "
        "bounce (long-tailed), besides its cart.",
    )
    browse_mix: BROWSING.mix() = Field(
        {"product_view": 0.55, "page_view": 0.25, "search": 0.20},
        description="Kinds of browsing events after the landing page (page views are "
        "category pages).",
    )
    remove_rate: Probability = Field(
        0.18, description="Carts from which a product is removed again."
    )
    mean_gap_seconds: float = Field(
        45.0,
        ge=1,
        le=600,
        description="Mean seconds between two events of a session (log-normal; a gap never "
        "exceeds the 30-minute session timeout).",
    )
    gap_sigma: float = Field(
        1.0, ge=0, le=2, description="Log-normal spread of the seconds between two events."
    )

    @model_validator(mode="after")
    def _kinds(self) -> BehaviorParams:
        if self.carts_rate + self.conversion_rate + self.bounce_rate > 1:
            raise ValueError(
                "conversion_rate + bounce_rate + abandoned carts (conversion_rate x "
                "cart_abandonment / (1 - cart_abandonment)) must not exceed 1"
            )
        return self

    @property
    def carts_rate(self) -> float:
        """Sessions that abandon a cart: conversion_rate x abandonment / (1 - abandonment)."""
        return self.conversion_rate * self.cart_abandonment / (1.0 - self.cart_abandonment)


class ReviewParams(Params):
    verified_share: Probability = Field(0.8, description="Reviews written about a real purchase.")
    rating_mean: float = Field(
        3.95, ge=1, le=5, description="Centre of the latent rating (bell-shaped)."
    )
    rating_sd: float = Field(1.0, ge=0, description="Spread of the latent rating.")
    product_quality_sd: float = Field(0.35, ge=0, description="How much products differ in rating.")
    returned_penalty: float = Field(1.6, ge=0, description="Rating drop for returned purchases.")
    mean_delay_days: float = Field(12.0, ge=0, description="Mean days from sale to review.")
    mean_votes: float = Field(3.0, ge=0, description="Mean votes cast on a review.")
    detail_rate: Probability = Field(
        0.5,
        description="Reviews (of other than three stars) that comment on a second aspect of "
        "the product; a three-star review always praises one and faults another.",
    )
    aspect_title_rate: Probability = Field(
        0.5,
        description="Reviews (of other than three stars) titled by the aspect they comment on "
        "rather than by the rating alone.",
    )


class CampaignType(Params):
    """A kind of campaign: how long it runs, what it costs and who it reaches. Its funnel
    (impressions from spend and CPM, clicks from the click-through rate, conversions from the
    conversion rate) sets how many sales it is meant to drive; those sales, made by customers
    it could reach in the channel it works in, are what it reports."""

    share: Weight = Field(description="Share of campaigns of this type.")
    duration_days: IntRange = Field(description="Length range in days.")
    budget_median: Positive = Field(description="Median budget in dollars.")
    cpm: Positive = Field(description="Median cost per thousand impressions (varies by season).")
    ctr: Probability = Field(description="Median click-through rate (or response rate).")
    conversion_rate: Probability = Field(description="Median share of clicks that buy.")
    channel: CAMPAIGN_CHANNEL.key = Field(
        description="Where its sales happen: Online, In-Store or Any (either)."
    )
    online_share: Probability = Field(0.5, description="Share of its sales online, for Any.")
    opt_in_only: bool = Field(
        False, description="Reaches only customers who agreed to marketing (Email, SMS)."
    )

    @model_validator(mode="after")
    def _days(self) -> CampaignType:
        if self.duration_days[0] < 1:
            raise ValueError("duration_days must start at 1 day or more")
        return self


def _campaign_types() -> dict[str, CampaignType]:
    # costs and rates: orders of magnitude of US digital marketing (FIGURES.md): mail and SMS
    # cost cents per thousand sent, search about $30 per thousand; click-through 1-3% for
    # mail, 0.1-1% for display; budgets are sized for a business of this warehouse's sales
    rows = {
        #                  share  days      budget   cpm   ctr    cvr   channel    online opt-in
        "Email": (0.24, (3, 14), 22, 1.5, 0.025, 0.04, "Online", 1.0, True),
        "SMS": (0.06, (1, 5), 20, 8.0, 0.04, 0.04, "Any", 0.5, True),
        "Social Media": (0.22, (7, 45), 300, 7.5, 0.012, 0.025, "Online", 1.0, False),
        "Search": (0.16, (14, 90), 380, 30.0, 0.035, 0.04, "Online", 1.0, False),
        "Display": (0.13, (14, 60), 200, 3.5, 0.005, 0.015, "Online", 1.0, False),
        "Influencer": (0.08, (7, 30), 220, 12.0, 0.018, 0.025, "Online", 1.0, False),
        "TV": (0.04, (14, 42), 4_000, 25.0, 0.002, 0.05, "Any", 0.3, False),
        "In-Store Promotion": (0.07, (5, 21), 100, 9.0, 0.03, 0.05, "In-Store", 0.0, False),
    }
    names = [n for n in CampaignType.model_fields]
    return {k: CampaignType(**dict(zip(names, v, strict=True))) for k, v in rows.items()}


class CampaignParams(Params):
    types: shares(dict[Label, CampaignType]) = Field(
        default_factory=_campaign_types,
        description="Campaign types (a new one needs share, duration_days, budget_median, cpm, "
        "ctr, conversion_rate and channel).",
    )
    budget_sigma: float = Field(0.6, ge=0, description="Log-normal spread of budgets.")
    cpm_sigma: float = Field(
        0.25, ge=0, description="Log-normal spread of a campaign's CPM around its type's."
    )
    cpm_season: float = Field(
        1.0,
        ge=0,
        description="CPM follows demand: x (the start month's calendar weight / the mean) to "
        "this power (Q4 dearer; 0: no season).",
    )
    rate_sigma: float = Field(
        0.25, ge=0, description="Log-normal spread of click-through and conversion rates."
    )
    discount_range: Share = Field(
        (0.05, 0.3), description="Discount a campaign gives on the lines of its sales."
    )


class RetailParams(DomainParams):
    """All business parameters of `retail_analytics`."""

    history: History = Field(History(), description="The history window.")
    calendar: Calendar = Field(Calendar(), description="When activity happens.")
    segments: SEGMENT.each(Segment) = Field(
        default_factory=_segments,
        description="Customer segments, most active first: mix and behaviour.",
    )
    people: PeopleParams = Field(
        PeopleParams(),
        description="Who people are (age, education, occupation, income, credit score): "
        "shared with the bank, whose customers of the same id are the same people.",
    )
    customers: CustomerParams = CustomerParams()
    products: ProductParams = ProductParams()
    stores: StoreParams = StoreParams()
    employees: EmployeeParams = EmployeeParams()
    suppliers: SupplierParams = SupplierParams()
    sales: SalesParams = SalesParams()
    behavior: BehaviorParams = BehaviorParams()
    reviews: ReviewParams = ReviewParams()
    campaigns: CampaignParams = CampaignParams()

    @model_validator(mode="after")
    def _segments_buy(self) -> RetailParams:
        if sum(s.share * s.purchase_frequency for s in self.segments.values()) <= 0:
            raise ValueError("segments: some segment needs a share and a purchase_frequency > 0")
        over = [k for k, s in self.segments.items() if s.basket_mean > self.sales.max_items]
        if over:
            raise ValueError(
                f"segments {', '.join(over)}: basket_mean above sales.max_items "
                f"({self.sales.max_items})"
            )
        return self
