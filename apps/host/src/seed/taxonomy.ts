/** How products of one leaf category look: names, options and a price band in euro cents. */
export interface ProductKind {
  nouns: readonly string[];
  /** Words put before a noun ("Organic", "Hand-thrown"). */
  adjectives: readonly string[];
  /** Option name → values; variants are combinations of up to the first few values of each. */
  options: Readonly<Record<string, readonly string[]>>;
  materials: readonly string[];
  priceMinor: readonly [number, number];
}

/** A node of the demo taxonomy; leaves carry the kind of products listed in them. */
export interface CategoryNode {
  name: string;
  slug: string;
  children?: readonly CategoryNode[];
  kind?: ProductKind;
}

const sizes = ["S", "M", "L", "XL"];
const shoeSizes = ["39", "40", "41", "42", "43", "44"];
const colours = ["black", "white", "navy", "olive", "sand", "burgundy"];

/** The demo marketplace's category tree: three levels, every leaf with products. */
export const taxonomy: readonly CategoryNode[] = [
  {
    name: "Fashion",
    slug: "fashion",
    children: [
      {
        name: "Clothing",
        slug: "clothing",
        children: [
          {
            name: "T-Shirts",
            slug: "t-shirts",
            kind: {
              nouns: ["T-Shirt", "Tee", "Long-Sleeve Tee", "Pocket Tee"],
              adjectives: ["Organic Cotton", "Heavyweight", "Linen", "Vintage Wash", "Essential"],
              options: { size: sizes, colour: colours },
              materials: ["organic cotton", "linen", "hemp"],
              priceMinor: [1900, 4900],
            },
          },
          {
            name: "Jackets",
            slug: "jackets",
            kind: {
              nouns: ["Jacket", "Rain Jacket", "Denim Jacket", "Field Jacket", "Overshirt"],
              adjectives: ["Waxed", "Recycled", "Quilted", "Water-Repellent", "Classic"],
              options: { size: sizes, colour: colours.slice(0, 4) },
              materials: ["waxed cotton", "recycled polyester", "wool"],
              priceMinor: [8900, 29900],
            },
          },
          {
            name: "Knitwear",
            slug: "knitwear",
            kind: {
              nouns: ["Sweater", "Cardigan", "Beanie", "Scarf"],
              adjectives: ["Merino", "Cashmere-Blend", "Chunky", "Fisherman", "Alpaca"],
              options: { size: sizes, colour: colours.slice(1, 5) },
              materials: ["merino wool", "alpaca", "cashmere"],
              priceMinor: [3900, 18900],
            },
          },
        ],
      },
      {
        name: "Shoes",
        slug: "shoes",
        children: [
          {
            name: "Sneakers",
            slug: "sneakers",
            kind: {
              nouns: ["Sneaker", "Runner", "Court Shoe", "Trainer"],
              adjectives: ["Leather", "Canvas", "Suede", "Minimal", "Retro"],
              options: { size: shoeSizes, colour: ["white", "black", "grey"] },
              materials: ["leather", "canvas", "suede"],
              priceMinor: [6900, 17900],
            },
          },
          {
            name: "Boots",
            slug: "boots",
            kind: {
              nouns: ["Chelsea Boot", "Hiking Boot", "Work Boot", "Ankle Boot"],
              adjectives: ["Goodyear-Welted", "Leather", "Waterproof", "Suede", "Resoleable"],
              options: { size: shoeSizes, colour: ["brown", "black"] },
              materials: ["full-grain leather", "suede", "nubuck"],
              priceMinor: [12900, 34900],
            },
          },
        ],
      },
      {
        name: "Accessories",
        slug: "accessories",
        children: [
          {
            name: "Bags",
            slug: "bags",
            kind: {
              nouns: ["Tote Bag", "Backpack", "Messenger Bag", "Weekender", "Crossbody Bag"],
              adjectives: ["Leather", "Waxed Canvas", "Roll-Top", "Handmade", "Recycled"],
              options: { colour: ["black", "brown", "olive", "navy"] },
              materials: ["leather", "waxed canvas", "recycled nylon"],
              priceMinor: [4900, 24900],
            },
          },
          {
            name: "Wallets",
            slug: "wallets",
            kind: {
              nouns: ["Wallet", "Card Holder", "Coin Purse", "Bifold Wallet"],
              adjectives: ["Leather", "Slim", "Vegetable-Tanned", "Handstitched", "Cork"],
              options: { colour: ["tan", "black", "brown"] },
              materials: ["vegetable-tanned leather", "cork", "waxed canvas"],
              priceMinor: [2500, 9900],
            },
          },
          {
            name: "Jewellery",
            slug: "jewellery",
            kind: {
              nouns: ["Ring", "Necklace", "Earrings", "Bracelet"],
              adjectives: ["Silver", "Gold-Plated", "Hammered", "Minimal", "Pearl"],
              options: { metal: ["silver", "gold"] },
              materials: ["sterling silver", "recycled gold", "brass"],
              priceMinor: [2900, 15900],
            },
          },
        ],
      },
    ],
  },
  {
    name: "Home & Living",
    slug: "home-living",
    children: [
      {
        name: "Kitchen",
        slug: "kitchen",
        children: [
          {
            name: "Cookware",
            slug: "cookware",
            kind: {
              nouns: ["Frying Pan", "Dutch Oven", "Saucepan", "Wok"],
              adjectives: ["Cast Iron", "Carbon Steel", "Copper", "Enamelled", "Stainless"],
              options: { size: ["20 cm", "24 cm", "28 cm"] },
              materials: ["cast iron", "carbon steel", "copper"],
              priceMinor: [3900, 19900],
            },
          },
          {
            name: "Tableware",
            slug: "tableware",
            kind: {
              nouns: ["Plate Set", "Bowl", "Mug", "Serving Platter", "Espresso Cup"],
              adjectives: ["Stoneware", "Hand-Thrown", "Glazed", "Porcelain", "Speckled"],
              options: { colour: ["white", "sage", "charcoal", "terracotta"] },
              materials: ["stoneware", "porcelain", "earthenware"],
              priceMinor: [1500, 8900],
            },
          },
        ],
      },
      {
        name: "Decor",
        slug: "decor",
        children: [
          {
            name: "Candles",
            slug: "candles",
            kind: {
              nouns: ["Candle", "Tealight Set", "Taper Candles", "Travel Candle"],
              adjectives: ["Soy Wax", "Beeswax", "Scented", "Hand-Poured", "Unscented"],
              options: { scent: ["fig", "cedar", "lavender", "amber"] },
              materials: ["soy wax", "beeswax", "rapeseed wax"],
              priceMinor: [1200, 4500],
            },
          },
          {
            name: "Ceramics",
            slug: "ceramics",
            kind: {
              nouns: ["Vase", "Planter", "Bud Vase", "Incense Holder"],
              adjectives: ["Ceramic", "Hand-Thrown", "Matte", "Raku", "Textured"],
              options: { size: ["small", "medium", "large"] },
              materials: ["stoneware", "terracotta", "porcelain"],
              priceMinor: [1800, 12900],
            },
          },
          {
            name: "Textiles",
            slug: "textiles",
            kind: {
              nouns: ["Throw Blanket", "Cushion Cover", "Rug", "Linen Tablecloth"],
              adjectives: ["Woven", "Linen", "Wool", "Block-Printed", "Chunky"],
              options: { colour: ["natural", "rust", "indigo", "forest"] },
              materials: ["linen", "wool", "cotton"],
              priceMinor: [2900, 24900],
            },
          },
        ],
      },
    ],
  },
  {
    name: "Food & Drink",
    slug: "food-drink",
    children: [
      {
        name: "Pantry",
        slug: "pantry",
        children: [
          {
            name: "Coffee",
            slug: "coffee",
            kind: {
              nouns: ["Coffee Beans", "Espresso Blend", "Filter Roast", "Decaf Coffee"],
              adjectives: ["Single-Origin", "Ethiopian", "Colombian", "Dark Roast", "Light Roast"],
              options: { weight: ["250 g", "500 g", "1 kg"], grind: ["whole bean", "filter", "espresso"] },
              materials: ["arabica"],
              priceMinor: [900, 3900],
            },
          },
          {
            name: "Tea",
            slug: "tea",
            kind: {
              nouns: ["Green Tea", "Black Tea", "Herbal Infusion", "Matcha", "Oolong"],
              adjectives: ["Organic", "Loose-Leaf", "First Flush", "Smoked", "Ceremonial"],
              options: { weight: ["50 g", "100 g", "250 g"] },
              materials: ["loose leaf"],
              priceMinor: [700, 3500],
            },
          },
          {
            name: "Chocolate",
            slug: "chocolate",
            kind: {
              nouns: ["Chocolate Bar", "Pralines", "Hot Chocolate", "Cocoa Nibs"],
              adjectives: ["Dark", "Bean-to-Bar", "Milk", "Salted Caramel", "Raw"],
              options: { size: ["single", "box of 6"] },
              materials: ["cocoa"],
              priceMinor: [450, 2900],
            },
          },
          {
            name: "Olive Oil",
            slug: "olive-oil",
            kind: {
              nouns: ["Olive Oil", "Extra Virgin Olive Oil", "Infused Oil", "Balsamic Vinegar"],
              adjectives: ["Cold-Pressed", "Early Harvest", "Organic", "Estate", "Lemon"],
              options: { volume: ["250 ml", "500 ml", "1 l"] },
              materials: ["olives"],
              priceMinor: [890, 3900],
            },
          },
        ],
      },
    ],
  },
  {
    name: "Electronics",
    slug: "electronics",
    children: [
      {
        name: "Audio",
        slug: "audio",
        children: [
          {
            name: "Headphones",
            slug: "headphones",
            kind: {
              nouns: ["Headphones", "Earbuds", "Studio Monitor Headphones"],
              adjectives: ["Wireless", "Noise-Cancelling", "Open-Back", "Refurbished", "Wooden"],
              options: { colour: ["black", "white", "walnut"] },
              materials: ["aluminium", "walnut", "recycled plastic"],
              priceMinor: [4900, 34900],
            },
          },
          {
            name: "Speakers",
            slug: "speakers",
            kind: {
              nouns: ["Bluetooth Speaker", "Bookshelf Speakers", "Radio", "Turntable"],
              adjectives: ["Portable", "Wooden", "Vintage", "Refurbished", "Waterproof"],
              options: { colour: ["black", "oak", "white"] },
              materials: ["oak", "aluminium", "fabric"],
              priceMinor: [5900, 49900],
            },
          },
        ],
      },
      {
        name: "Phone Accessories",
        slug: "phone-accessories",
        children: [
          {
            name: "Cases",
            slug: "phone-cases",
            kind: {
              nouns: ["Phone Case", "Phone Sleeve", "Card Case"],
              adjectives: ["Leather", "Compostable", "Cork", "Clear", "Rugged"],
              options: { model: ["iPhone 16", "iPhone 17", "Pixel 10", "Galaxy S26"] },
              materials: ["leather", "cork", "bioplastic"],
              priceMinor: [1900, 5900],
            },
          },
          {
            name: "Chargers",
            slug: "chargers",
            kind: {
              nouns: ["Charger", "Charging Cable", "Power Bank", "Wireless Charger"],
              adjectives: ["Fast", "Braided", "Solar", "Compact", "Magnetic"],
              options: { colour: ["black", "white"] },
              materials: ["aluminium", "braided nylon"],
              priceMinor: [1500, 7900],
            },
          },
        ],
      },
    ],
  },
  {
    name: "Sports & Outdoors",
    slug: "sports-outdoors",
    children: [
      {
        name: "Cycling",
        slug: "cycling",
        children: [
          {
            name: "Bike Accessories",
            slug: "bike-accessories",
            kind: {
              nouns: ["Bike Light", "Pannier", "Bike Lock", "Saddle Bag", "Bell"],
              adjectives: ["Rechargeable", "Waterproof", "Brass", "Reflective", "Folding"],
              options: { colour: ["black", "yellow", "silver"] },
              materials: ["aluminium", "waxed canvas", "steel"],
              priceMinor: [1200, 12900],
            },
          },
        ],
      },
      {
        name: "Camping",
        slug: "camping",
        children: [
          {
            name: "Camping Gear",
            slug: "camping-gear",
            kind: {
              nouns: ["Tent", "Sleeping Bag", "Camping Stove", "Enamel Mug", "Hammock"],
              adjectives: ["Ultralight", "Two-Person", "Down", "Titanium", "Packable"],
              options: { colour: ["green", "orange", "grey"] },
              materials: ["ripstop nylon", "titanium", "down"],
              priceMinor: [1500, 39900],
            },
          },
        ],
      },
      {
        name: "Yoga",
        slug: "yoga",
        children: [
          {
            name: "Yoga Mats",
            slug: "yoga-mats",
            kind: {
              nouns: ["Yoga Mat", "Yoga Block", "Meditation Cushion", "Yoga Strap"],
              adjectives: ["Cork", "Natural Rubber", "Travel", "Non-Slip", "Organic"],
              options: { colour: ["sage", "plum", "sand", "charcoal"] },
              materials: ["cork", "natural rubber", "buckwheat"],
              priceMinor: [1500, 12900],
            },
          },
        ],
      },
    ],
  },
  {
    name: "Books & Stationery",
    slug: "books-stationery",
    children: [
      {
        name: "Stationery",
        slug: "stationery",
        children: [
          {
            name: "Notebooks",
            slug: "notebooks",
            kind: {
              nouns: ["Notebook", "Sketchbook", "Planner", "Journal"],
              adjectives: ["Dotted", "Linen-Bound", "Recycled Paper", "Pocket", "Leather-Bound"],
              options: { size: ["A5", "A6"], ruling: ["dotted", "lined", "plain"] },
              materials: ["recycled paper", "linen", "leather"],
              priceMinor: [800, 4500],
            },
          },
          {
            name: "Pens",
            slug: "pens",
            kind: {
              nouns: ["Fountain Pen", "Ballpoint Pen", "Pencil Set", "Ink Bottle"],
              adjectives: ["Brass", "Wooden", "Refillable", "Japanese", "Matte"],
              options: { colour: ["black", "blue", "green"] },
              materials: ["brass", "cedar", "aluminium"],
              priceMinor: [500, 12900],
            },
          },
        ],
      },
    ],
  },
  {
    name: "Beauty",
    slug: "beauty",
    children: [
      {
        name: "Skincare",
        slug: "skincare",
        children: [
          {
            name: "Face Care",
            slug: "face-care",
            kind: {
              nouns: ["Face Oil", "Moisturiser", "Cleanser", "Serum", "Lip Balm"],
              adjectives: ["Organic", "Rosehip", "Vegan", "Fragrance-Free", "Hydrating"],
              options: { volume: ["15 ml", "30 ml", "50 ml"] },
              materials: ["rosehip oil", "shea butter", "aloe vera"],
              priceMinor: [900, 5900],
            },
          },
          {
            name: "Soap",
            slug: "soap",
            kind: {
              nouns: ["Soap Bar", "Shampoo Bar", "Hand Wash", "Bath Salts"],
              adjectives: ["Cold-Process", "Olive Oil", "Charcoal", "Oat", "Lavender"],
              options: { size: ["single", "set of 3"] },
              materials: ["olive oil", "goat milk", "clay"],
              priceMinor: [500, 2900],
            },
          },
        ],
      },
    ],
  },
];
