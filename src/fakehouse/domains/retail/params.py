"""Every business parameter of the retail warehouse, in one typed, documented object.

Mixes are label -> weight (normalised when used); ranges are (low, high); money is in
dollars. A configuration file can override any field: `RetailParams.model_validate(data)`.
Tables read these values and never hold literals of their own.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from fakehouse.core.timeline import ONLINE_HOUR_WEIGHTS

SEGMENTS = ("VIP", "Premium", "Regular", "Basic")


class _Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class History(_Params):
    end_date: date = Field(
        date(2025, 12, 31), description="Last day of history (fixed, not today)."
    )
    years: int = Field(3, ge=1, le=20, description="Length of the history window in years.")
    yearly_growth: float = Field(0.08, description="Growth of activity per year (trend).")
    month_weights: tuple[float, ...] = Field(
        (0.80, 0.75, 0.88, 0.90, 0.97, 0.95, 0.96, 1.00, 0.92, 0.98, 1.30, 1.65),
        description="Relative activity per calendar month, Jan..Dec (Nov-Dec high season).",
    )
    weekday_weights: tuple[float, ...] = Field(
        (0.90, 0.88, 0.92, 0.97, 1.12, 1.30, 1.10),
        description="Relative activity per weekday, Monday..Sunday.",
    )
    store_hour_weights: tuple[float, ...] = Field(
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
        ),
        description="In-store sales per hour 0..23: closed at night, peaks 10-14 and 18-20.",
    )
    online_hour_weights: tuple[float, ...] = Field(
        ONLINE_HOUR_WEIGHTS,
        description="Online activity per hour 0..23: all day, evening peak.",
    )
    holidays: dict[str, float] = Field(
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
        description="Multipliers of the retail calendar's special days.",
    )


class CustomerParams(_Params):
    segment_mix: dict[str, float] = Field(
        {"VIP": 0.05, "Premium": 0.20, "Regular": 0.45, "Basic": 0.30},
        description="Share of customers per segment.",
    )
    purchase_frequency: dict[str, float] = Field(
        {"VIP": 6.0, "Premium": 2.6, "Regular": 1.0, "Basic": 0.45},
        description="Relative purchases per customer by segment.",
    )
    activity_skew: float = Field(
        1.6, ge=1.0, description="Heavy tail of activity inside a segment (1 = flat)."
    )
    registration_lead_years: float = Field(
        4.0, description="Customers may have registered this many years before the window."
    )
    registration_skew: dict[str, float] = Field(
        {"VIP": 1.8, "Premium": 1.3, "Regular": 1.0, "Basic": 0.75},
        description="Exponent on the registration draw: > 1 registers earlier (longer tenure).",
    )
    age_mean: dict[str, float] = Field({"VIP": 47, "Premium": 44, "Regular": 40, "Basic": 35})
    age_sd: float = 13.0
    age_range: tuple[float, float] = Field((18.1, 88.0), description="Age at registration.")
    gender_mix: dict[str, float] = {"Female": 0.51, "Male": 0.47, "Other": 0.02}
    credit_score_mean: dict[str, float] = Field(
        {"VIP": 765, "Premium": 735, "Regular": 695, "Basic": 645}
    )
    credit_score_sd: float = 55.0
    income_median: dict[str, float] = Field(
        {"VIP": 150_000, "Premium": 98_000, "Regular": 64_000, "Basic": 41_000},
        description="Median annual income in dollars (log-normal around it).",
    )
    income_sigma: float = 0.42
    opt_in_rate: dict[str, float] = {"VIP": 0.85, "Premium": 0.72, "Regular": 0.58, "Basic": 0.45}
    email_domains: dict[str, float] = Field(
        {"example.com": 0.5, "example.net": 0.3, "example.org": 0.2},
        description="Reserved documentation domains only, so no email can reach a real person.",
    )


class ProductParams(_Params):
    category_mix: dict[str, float] = {
        "Electronics": 0.18,
        "Clothing": 0.24,
        "Home & Garden": 0.20,
        "Books": 0.14,
        "Sports": 0.13,
        "Beauty": 0.11,
    }
    price_median: dict[str, float] = Field(
        {
            "Electronics": 180.0,
            "Clothing": 38.0,
            "Home & Garden": 55.0,
            "Books": 17.0,
            "Sports": 48.0,
            "Beauty": 22.0,
        },
        description="Median unit price per category (log-normal around it).",
    )
    price_sigma: dict[str, float] = {
        "Electronics": 0.95,
        "Clothing": 0.55,
        "Home & Garden": 0.75,
        "Books": 0.4,
        "Sports": 0.7,
        "Beauty": 0.5,
    }
    margin_range: tuple[float, float] = Field(
        (0.18, 0.62), description="Gross margin: unit_cost = unit_price x (1 - margin)."
    )
    popularity_skew: float = Field(1.05, description="Zipf exponent of product sales.")
    launched_in_window: float = Field(0.2, description="Share of products launched in the window.")
    launch_lead_years: float = Field(8.0, description="Oldest products launched this long before.")
    discontinued_rate: float = 0.07


class StoreParams(_Params):
    type_mix: dict[str, float] = Field(
        {"Flagship": 0.05, "Mall": 0.30, "Standalone": 0.33, "Outlet": 0.14, "Express": 0.16},
        description="Mix of physical store types.",
    )
    online_share: float = Field(0.02, description="Share of stores that are online (at least one).")
    size_sqft: dict[str, tuple[int, int]] = {
        "Flagship": (40_000, 90_000),
        "Mall": (8_000, 25_000),
        "Standalone": (12_000, 45_000),
        "Outlet": (10_000, 30_000),
        "Express": (2_500, 6_000),
    }
    opening_lead_years: float = Field(20.0, description="Oldest stores opened this long before.")
    opened_in_window: float = Field(0.1, description="Share of stores opened inside the window.")
    closed_rate: float = Field(0.03, description="Share of physical stores closed in the window.")


class Position(_Params):
    department: str
    share: float = Field(description="Share of a store's staff in this position.")
    salary: float = Field(description="Median annual salary in dollars.")


def _positions(rows: dict[str, tuple[str, float, float]]) -> dict[str, Position]:
    return {k: Position(department=d, share=sh, salary=sa) for k, (d, sh, sa) in rows.items()}


class EmployeeParams(_Params):
    positions: dict[str, Position] = Field(
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
    online_positions: dict[str, Position] = Field(
        _positions(
            {
                "Fulfillment Associate": ("Operations", 0.45, 34_000),
                "Customer Service Representative": ("Customer Service", 0.35, 36_000),
                "E-commerce Specialist": ("Digital", 0.20, 68_000),
            }
        ),
        description="Positions at online stores (fulfilment centres).",
    )
    store_manager_salary: float = 82_000
    assistant_manager_salary: float = 58_000
    salary_sigma: float = 0.12
    employment_mix: dict[str, float] = {
        "Full-time": 0.62,
        "Part-time": 0.28,
        "Seasonal": 0.06,
        "Contract": 0.04,
    }
    part_time_factor: float = Field(0.55, description="Part-time and seasonal salary factor.")
    active_rate: float = Field(0.86, description="Share of staff (not managers) still employed.")


class SupplierParams(_Params):
    type_mix: dict[str, float] = {
        "Manufacturer": 0.45,
        "Distributor": 0.30,
        "Wholesaler": 0.18,
        "Dropshipper": 0.07,
    }
    country_mix: dict[str, float] = {
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
    }
    lead_time_days: dict[str, tuple[int, int]] = Field(
        {"domestic": (3, 14), "nearshore": (7, 21), "overseas": (20, 60)},
        description="Lead time ranges by distance; United States is domestic, "
        "Mexico and Canada nearshore, the rest overseas.",
    )
    payment_terms: dict[str, float] = {
        "Net 30": 0.45,
        "Net 60": 0.2,
        "Net 45": 0.15,
        "Net 15": 0.1,
        "2/10 Net 30": 0.1,
    }
    rating_mean: float = 4.0
    rating_sd: float = 0.5
    contract_years: tuple[int, int] = (1, 5)


class SalesParams(_Params):
    online_share: dict[str, float] = Field(
        {"VIP": 0.35, "Premium": 0.33, "Regular": 0.28, "Basic": 0.24},
        description="Share of a segment's purchases made online.",
    )
    basket_mean: dict[str, float] = Field(
        {"VIP": 6.0, "Premium": 4.6, "Regular": 3.6, "Basic": 2.6},
        description="Mean items per transaction by segment (1 to max_items).",
    )
    max_items: int = 10
    quantity_mix: dict[int, float] = {1: 0.72, 2: 0.18, 3: 0.06, 4: 0.025, 5: 0.015}
    status_mix: dict[str, float] = {
        "Completed": 0.905,
        "Returned": 0.045,
        "Cancelled": 0.03,
        "Pending": 0.02,
    }
    store_payment_mix: dict[str, float] = {
        "Credit Card": 0.44,
        "Debit Card": 0.30,
        "Cash": 0.14,
        "Mobile Wallet": 0.10,
        "Gift Card": 0.02,
    }
    online_payment_mix: dict[str, float] = {
        "Credit Card": 0.55,
        "PayPal": 0.20,
        "Debit Card": 0.15,
        "Mobile Wallet": 0.08,
        "Gift Card": 0.02,
    }
    campaign_reach: float = Field(
        0.45, description="Chance a sale considers a campaign; it is attributed when one is active."
    )
    promo_rate: float = Field(0.06, description="Chance of a line promotion without a campaign.")
    promo_discount: tuple[float, float] = (0.05, 0.2)


class BehaviorParams(_Params):
    device_mix: dict[str, float] = {"Mobile": 0.56, "Desktop": 0.36, "Tablet": 0.08}
    browse_mean: float = Field(3.0, description="Mean browsing events per session (>= 1).")
    browse_mix: dict[str, float] = {"product_view": 0.55, "page_view": 0.25, "search": 0.20}
    cart_rate: float = Field(0.32, description="Sessions that add to cart.")
    remove_rate: float = Field(0.18, description="Carts with a removal.")
    checkout_rate: float = Field(0.55, description="Carts that start checkout.")
    purchase_rate: float = Field(0.7, description="Checkouts that end in a purchase.")
    mean_gap_seconds: float = 45.0


class ReviewParams(_Params):
    verified_share: float = Field(0.8, description="Reviews written about a real purchase.")
    rating_mean: float = Field(3.95, description="Centre of the latent rating (bell-shaped).")
    rating_sd: float = 1.0
    product_quality_sd: float = Field(0.35, description="How much products differ in rating.")
    returned_penalty: float = Field(1.6, description="Rating drop for returned purchases.")
    mean_delay_days: float = 12.0
    mean_votes: float = 3.0


class CampaignParams(_Params):
    type_mix: dict[str, float] = {
        "Email": 0.28,
        "Social Media": 0.24,
        "Search": 0.18,
        "Display": 0.14,
        "Influencer": 0.08,
        "TV": 0.04,
        "In-Store Promotion": 0.04,
    }
    duration_days: dict[str, tuple[int, int]] = {
        "Email": (3, 14),
        "Social Media": (7, 45),
        "Search": (14, 90),
        "Display": (14, 60),
        "Influencer": (7, 30),
        "TV": (14, 42),
        "In-Store Promotion": (5, 21),
    }
    budget_median: dict[str, float] = {
        "Email": 6_000,
        "Social Media": 24_000,
        "Search": 40_000,
        "Display": 30_000,
        "Influencer": 18_000,
        "TV": 250_000,
        "In-Store Promotion": 12_000,
    }
    budget_sigma: float = 0.6
    cpm: dict[str, float] = Field(
        {
            "Email": 2.0,
            "Social Media": 7.5,
            "Search": 30.0,
            "Display": 3.5,
            "Influencer": 12.0,
            "TV": 25.0,
            "In-Store Promotion": 9.0,
        },
        description="Cost per thousand impressions.",
    )
    ctr: dict[str, float] = {
        "Email": 0.025,
        "Social Media": 0.012,
        "Search": 0.035,
        "Display": 0.005,
        "Influencer": 0.018,
        "TV": 0.002,
        "In-Store Promotion": 0.03,
    }
    conversion_rate: tuple[float, float] = (0.01, 0.04)
    order_value_median: float = 70.0
    discount_range: tuple[float, float] = Field(
        (0.05, 0.3), description="Discount a campaign gives on the lines of its sales."
    )


class RetailParams(_Params):
    """All business parameters of `retail_analytics`."""

    history: History = History()
    customers: CustomerParams = CustomerParams()
    products: ProductParams = ProductParams()
    stores: StoreParams = StoreParams()
    employees: EmployeeParams = EmployeeParams()
    suppliers: SupplierParams = SupplierParams()
    sales: SalesParams = SalesParams()
    behavior: BehaviorParams = BehaviorParams()
    reviews: ReviewParams = ReviewParams()
    campaigns: CampaignParams = CampaignParams()
