-- Demo data for Concierge: "Harbor Hall", a wedding & event venue.
--
-- Run once, inside one transaction, only when `venues` is empty (no BEGIN/COMMIT here).
-- Every date is relative to current_date / now(), so the demo always looks current.
-- Rows are looked up by name / email / title, never by generated id.
--
-- Every demo user's password is `concierge-demo` (one Argon2id PHC string, m=19456, t=2, p=1).

-- ---------------------------------------------------------------------------------------------
-- Venue, spaces, services
-- ---------------------------------------------------------------------------------------------

insert into venues (name, timezone, address, created_at)
values ('Harbor Hall', 'America/New_York', '41 Harborview Way, Boston, MA 02210', now() - interval '400 days');

insert into spaces (venue_id, name, capacity, description)
select v.id, s.name, s.capacity, s.description
from venues v
cross join (values
    ('Grand Ballroom', 220,
     'Our signature room: 5,000 sq ft with 24-ft ceilings, crystal chandeliers, a sprung dance floor and a stage. Seats 220 at rounds of ten, or 300 standing.'),
    ('Garden Terrace', 120,
     'Landscaped harbor-view terrace with a pergola for ceremonies and a covered half for rain plans. Heaters and string lights included. Seats 120.'),
    ('Library Lounge', 60,
     'Intimate wood-paneled lounge with a fireplace, leather seating and a private bar. Ideal for rehearsal dinners, cocktail parties and board dinners.'),
    ('Rooftop', 80,
     'Open-air rooftop with skyline and harbor views, a glass windscreen and a retractable awning. Music must end by 11pm (city ordinance).')
) as s(name, capacity, description)
where v.name = 'Harbor Hall';

insert into services (venue_id, name, category, unit, price_cents)
select v.id, s.name, s.category, s.unit, s.price_cents
from venues v
cross join (values
    ('Grand Ballroom rental',                'venue',    'flat',      850000),
    ('Garden Terrace rental',                'venue',    'flat',      550000),
    ('Library Lounge rental',                'venue',    'flat',      250000),
    ('Rooftop rental',                       'venue',    'per_hour',   75000),
    ('Plated dinner (three courses)',        'catering', 'per_guest',   9500),
    ('Family-style dinner',                  'catering', 'per_guest',   8200),
    ('Cocktail reception & passed canapes',  'catering', 'per_guest',   4200),
    ('Cake cutting & dessert service',       'catering', 'per_guest',    450),
    ('Premium open bar (4 hours)',           'beverage', 'per_guest',   6500),
    ('Beer & wine bar',                      'beverage', 'per_guest',   3800),
    ('Ceremony setup & garden chairs',       'decor',    'flat',      120000),
    ('House sound & lighting',               'music',    'flat',       75000),
    ('Event coordinator',                    'staffing', 'per_hour',    9500),
    ('Bartender',                            'staffing', 'per_hour',    6000)
) as s(name, category, unit, price_cents)
where v.name = 'Harbor Hall';

-- ---------------------------------------------------------------------------------------------
-- Users and memberships (password for all: concierge-demo)
-- ---------------------------------------------------------------------------------------------

insert into users (email, name, password_hash, created_at)
select u.email, u.name,
       '$argon2id$v=19$m=19456,t=2,p=1$nYy5v9wZLisu6XqSMz9jyg$6wr0Zj7CIXU6ErZuoopmsqsV4omEJ53ayzF8eKS1FgU',
       now() - make_interval(days => u.days_ago)
from (values
    ('olivia@harborhall.example',    'Olivia Reyes',     400),
    ('sam@harborhall.example',       'Sam Okafor',       390),
    ('priya@harborhall.example',     'Priya Natarajan',  380),
    ('marco@harborhall.example',     'Marco Bellini',    300),
    ('emma.clark@example.com',       'Emma Clark',       240),
    ('james.wu@example.com',         'James Wu',          20),
    ('sofia.martinez@example.com',   'Sofia Martinez',   210),
    ('liam.obrien@example.com',      'Liam O''Brien',    200),
    ('ava.johnson@example.com',      'Ava Johnson',      150),
    ('noah.patel@example.com',       'Noah Patel',        90),
    ('bloom@vendors.example',        'Hannah Berg',      350),
    ('lens@vendors.example',         'Theo Marsh',       320)
) as u(email, name, days_ago);

insert into memberships (user_id, venue_id, role, created_at)
select u.id, v.id, m.role, u.created_at
from (values
    ('olivia@harborhall.example',  'owner'),
    ('sam@harborhall.example',     'staff'),
    ('priya@harborhall.example',   'staff'),
    ('marco@harborhall.example',   'staff'),
    ('emma.clark@example.com',     'client'),
    ('james.wu@example.com',       'client'),
    ('sofia.martinez@example.com', 'client'),
    ('liam.obrien@example.com',    'client'),
    ('ava.johnson@example.com',    'client'),
    ('noah.patel@example.com',     'client'),
    ('bloom@vendors.example',      'vendor'),
    ('lens@vendors.example',       'vendor')
) as m(email, role)
join users u on u.email = m.email
join venues v on v.name = 'Harbor Hall';

-- ---------------------------------------------------------------------------------------------
-- Clients and vendors (venue records; user_id links the ones who can log in)
-- ---------------------------------------------------------------------------------------------

insert into clients (venue_id, user_id, name, email, phone, notes, created_at)
select v.id, u.id, c.name, c.email, c.phone, c.notes, now() - make_interval(days => c.days_ago)
from (values
    ('Emma Clark', 'emma.clark@example.com', '(617) 555-0142',
     'Marrying Daniel Hughes. Prefers email; usually replies in the evening. Came in via The Knot.', 240),
    ('James Wu', 'james.wu@example.com', '(857) 555-0178',
     'Organizing a three-generation family reunion; relatives traveling from Vancouver and Taipei.', 20),
    ('Sofia Martinez', 'sofia.martinez@example.com', '(617) 555-0119',
     'Marrying Mateo Alvarez. Bilingual ceremony (English/Spanish). Mother of the bride, Lucia, is very involved; cc her on menu decisions.', 210),
    ('Liam O''Brien', 'liam.obrien@example.com', '(781) 555-0163',
     'Board chair of the Harbor Lights Foundation (charity dinner) and hosting his own engagement party with fiancee Grace Donnelly.', 200),
    ('Ava Johnson', 'ava.johnson@example.com', '(617) 555-0187',
     'Repeat client: husband Mark''s surprise 50th and son Eli''s bar mitzvah. Keep the 50th a secret: never call the home number.', 150),
    ('Noah Patel', 'noah.patel@example.com', '(617) 555-0134',
     'Head of Events at Lumen Labs (corporate account). Invoices go to ap@lumenlabs.example with a PO number.', 90)
) as c(name, email, phone, notes, days_ago)
join venues v on v.name = 'Harbor Hall'
left join users u on u.email = c.email;

insert into vendors (venue_id, user_id, name, category, email, phone, created_at)
select v.id, u.id, x.name, x.category, x.email, x.phone, now() - make_interval(days => x.days_ago)
from (values
    ('Bloom & Branch',           'florist',      'bloom@vendors.example',          '(617) 555-0101', 350),
    ('Golden Hour Photography',  'photographer', 'lens@vendors.example',           '(617) 555-0102', 320),
    ('Saltwater Kitchen',        'caterer',      'hello@saltwaterkitchen.example', '(617) 555-0103', 300),
    ('Velvet Groove Entertainment', 'music',     'bookings@velvetgroove.example',  '(617) 555-0104', 280),
    ('Tidewater Event Rentals',  'rentals',      'orders@tidewaterrentals.example', '(617) 555-0105', 260)
) as x(name, category, email, phone, days_ago)
join venues v on v.name = 'Harbor Hall'
left join users u on u.email = x.email and x.email like '%@vendors.example';

-- ---------------------------------------------------------------------------------------------
-- Events: one completed a few days ago, ten in the next 60 days (five in the next 14)
-- ---------------------------------------------------------------------------------------------

insert into events (venue_id, client_id, space_id, title, event_date, start_time, end_time,
                    guest_count, budget_cents, status, notes, created_at)
select v.id, c.id, s.id, e.title, current_date + e.day_offset, e.start_time::time, e.end_time::time,
       e.guest_count, e.budget_cents, e.status, e.notes, now() - make_interval(days => e.created_days_ago)
from (values
    ('Lumen Labs Engineering Offsite Dinner', 'noah.patel@example.com', 'Library Lounge', -5,
     '17:30', '21:30', 40, 1200000, 'completed',
     'Team dinner closing Lumen Labs'' two-day engineering offsite. Projector for a short retro at 6pm. Went smoothly; Noah asked for the same family-style menu for future team dinners.', 60),
    ('Liam & Grace''s Engagement Party', 'liam.obrien@example.com', 'Library Lounge', 2,
     '18:30', '22:30', 55, 1500000, 'confirmed',
     'Cocktail-style, no seated dinner. Irish trad trio for the first hour, then DJ. Surprise toast by Grace''s sister Niamh at 8pm (champagne pour just before). Lead: Priya.', 75),
    ('Lumen Labs Product Launch', 'noah.patel@example.com', 'Rooftop', 5,
     '17:00', '21:00', 75, 3500000, 'confirmed',
     'Launch of the Lumen Halo smart lamp for press and partners. Press check-in from 4:30pm, keynote at 6pm sharp (20 min). Stage + two screens; Wi-Fi details printed on table cards. Lead: Sam.', 45),
    ('Harbor Lights Charity Dinner', 'liam.obrien@example.com', 'Grand Ballroom', 7,
     '18:00', '22:30', 180, 6500000, 'confirmed',
     'Annual fundraiser for the Harbor Lights youth sailing program. Silent auction in the foyer 6:00-7:15pm, live auction after dessert. 18 rounds of ten; sponsor tables 1-4 at the front. Lead: Sam.', 200),
    ('Mark Johnson''s 50th Birthday', 'ava.johnson@example.com', 'Rooftop', 9,
     '19:00', '23:00', 70, 2800000, 'confirmed',
     'SURPRISE party: Mark thinks it is dinner for two. Guests arrive by 7pm; Mark arrives 7:30pm via the side elevator. 70s soul & funk. Mark''s drink is an Old Fashioned. Lead: Priya.', 50),
    ('Emma & Daniel''s Wedding', 'emma.clark@example.com', 'Garden Terrace', 12,
     '16:00', '23:00', 110, 5200000, 'confirmed',
     'Ceremony on the terrace at 4:30pm; rain call at 10am day-of (cocktail hour moves to the Library Lounge). Blush & sage palette. Daniel''s grandmother uses a wheelchair: aisle seat, row 1. Last dance 10:45pm, sparkler exit. Lead: Priya.', 240),
    ('Wu Family Reunion', 'james.wu@example.com', 'Garden Terrace', 19,
     '12:00', '17:00', 90, 2000000, 'tentative',
     'Three generations; relatives flying in from Vancouver and Taipei. Lunch, lawn games, family photo at 3pm. Several elderly guests: shade and seating near the buffet. Date on hold until James confirms his aunt''s travel. Lead: Sam.', 20),
    ('Eli Johnson''s Bar Mitzvah', 'ava.johnson@example.com', 'Grand Ballroom', 26,
     '18:00', '23:00', 140, 6000000, 'confirmed',
     'Kosher-style dinner by Saltwater Kitchen (outside-caterer fee waived). Hora after the first course; candle-lighting ceremony at 8:30pm (13 candles). Teen lounge in the Library Lounge with its own menu. Lead: Sam.', 150),
    ('Lumen Labs Annual Gala', 'noah.patel@example.com', 'Grand Ballroom', 36,
     '19:00', '23:30', 200, 9000000, 'tentative',
     'Employee & partner gala, black tie optional. Awards segment around 8:45pm (15 min). Ballroom held pending CFO sign-off; Noah expects a decision within two weeks. Lead: Sam.', 12),
    ('Martinez-Alvarez Rehearsal Dinner', 'sofia.martinez@example.com', 'Library Lounge', 46,
     '19:00', '22:00', 45, 1000000, 'inquiry',
     'Inquiry for the night before Sofia & Mateo''s wedding. Relaxed family-style Italian menu, slideshow from Mateo''s brother. Waiting on headcount from the Alvarez side. Lead: Priya.', 4),
    ('Sofia & Mateo''s Wedding', 'sofia.martinez@example.com', 'Grand Ballroom', 47,
     '17:00', '23:30', 170, 7500000, 'confirmed',
     'Bilingual ceremony (English/Spanish) at 5pm on the Garden Terrace, reception in the Grand Ballroom. Lazo ceremony: officiant needs a small side table. Mariachi for cocktail hour, DJ after. Gold, terracotta & ivory palette. Lead: Priya.', 210)
) as e(title, client_email, space_name, day_offset, start_time, end_time, guest_count, budget_cents,
       status, notes, created_days_ago)
join venues v on v.name = 'Harbor Hall'
join clients c on c.venue_id = v.id and c.email = e.client_email
left join spaces s on s.venue_id = v.id and s.name = e.space_name
order by e.day_offset;

-- ---------------------------------------------------------------------------------------------
-- Elements (price_cents is the unit price; quantity x price is the line total)
-- ---------------------------------------------------------------------------------------------

insert into elements (event_id, category, name, description, quantity, price_cents, status, vendor_id, created_at)
select e.id, x.category, x.name, x.description, x.quantity, x.price_cents, x.status, vd.id,
       least(e.created_at + interval '2 days', now() - interval '1 day')
from (values
    -- Lumen Labs Engineering Offsite Dinner (completed)
    ('Lumen Labs Engineering Offsite Dinner', 'menu', 'Family-style dinner',
     'Burrata with grilled peaches, hanger steak, roasted cod, charred broccolini, herbed potatoes.', 40, 8200, 'confirmed', null),
    ('Lumen Labs Engineering Offsite Dinner', 'menu', 'Dessert board',
     'Mini cannoli, brown-butter brownies, seasonal fruit.', 40, 600, 'confirmed', null),
    ('Lumen Labs Engineering Offsite Dinner', 'beverage', 'Beer & wine bar',
     'Local IPAs and lagers, house red and white, zero-proof options.', 40, 3800, 'confirmed', null),
    ('Lumen Labs Engineering Offsite Dinner', 'decor', 'Harvest tables',
     'Two 20-seat harvest tables with linen runners and votives.', 1, 45000, 'confirmed', null),
    ('Lumen Labs Engineering Offsite Dinner', 'other', 'Projector & screen',
     'For the 6pm retro slides; HDMI and USB-C adapters.', 1, 15000, 'confirmed', null),

    -- Liam & Grace's Engagement Party
    ('Liam & Grace''s Engagement Party', 'menu', 'Passed canapes',
     'Crab cakes, beef tenderloin crostini, burrata toasts, wild mushroom tartlets (vegetarian).', 55, 4200, 'confirmed', null),
    ('Liam & Grace''s Engagement Party', 'beverage', 'Premium open bar',
     'Four hours; signature cocktail "The Claddagh" (Irish whiskey sour with honey).', 55, 6500, 'confirmed', null),
    ('Liam & Grace''s Engagement Party', 'other', 'Champagne toast',
     'Prosecco pour for Niamh''s toast at 8pm.', 55, 900, 'requested', null),
    ('Liam & Grace''s Engagement Party', 'music', 'Irish trad trio',
     'Fiddle, guitar and bodhran, 6:30-7:30pm.', 1, 90000, 'approved', 'Velvet Groove Entertainment'),
    ('Liam & Grace''s Engagement Party', 'music', 'DJ set',
     '7:30-10:30pm, client playlist plus requests.', 1, 110000, 'confirmed', 'Velvet Groove Entertainment'),
    ('Liam & Grace''s Engagement Party', 'decor', 'Candles & greenery',
     'Low votives and eucalyptus runners on the cocktail tables and mantel.', 1, 35000, 'approved', null),
    ('Liam & Grace''s Engagement Party', 'photography', 'Photo booth',
     'Backdrop with props and instant prints.', 1, 60000, 'declined', null),

    -- Lumen Labs Product Launch
    ('Lumen Labs Product Launch', 'menu', 'Passed canapes',
     'Six passed bites incl. vegan dumplings and gluten-free tuna crudo spoons.', 75, 4200, 'confirmed', null),
    ('Lumen Labs Product Launch', 'beverage', 'Beer & wine bar',
     'Plus a branded zero-proof "Halo Spritz".', 75, 3800, 'confirmed', null),
    ('Lumen Labs Product Launch', 'rentals', 'Stage & lectern',
     '8x12 ft stage riser, skirted, with lectern and stairs.', 1, 95000, 'confirmed', 'Tidewater Event Rentals'),
    ('Lumen Labs Product Launch', 'rentals', 'High-top tables',
     'Cocktail high-tops with black spandex covers.', 12, 2500, 'confirmed', 'Tidewater Event Rentals'),
    ('Lumen Labs Product Launch', 'other', 'AV package',
     'Two 75-inch screens, two wireless handheld mics, presentation clicker, confidence monitor.', 1, 140000, 'approved', null),
    ('Lumen Labs Product Launch', 'decor', 'Brand uplighting',
     'Lumen teal uplights along the rooftop parapet.', 1, 45000, 'requested', null),
    ('Lumen Labs Product Launch', 'other', 'Press check-in desk',
     'Skirted table and two venue staff from 4:30pm.', 1, 20000, 'proposed', null),

    -- Harbor Lights Charity Dinner
    ('Harbor Lights Charity Dinner', 'menu', 'Plated dinner',
     'Roasted beet salad; choice of beef tenderloin, miso-glazed cod or wild mushroom risotto; Meyer lemon tart.', 180, 9500, 'confirmed', null),
    ('Harbor Lights Charity Dinner', 'beverage', 'Premium open bar',
     'Includes red and white wine service with dinner.', 180, 6500, 'confirmed', null),
    ('Harbor Lights Charity Dinner', 'floral', 'Centerpieces',
     'Low white hydrangea with navy accents and hurricane candles, one per table.', 18, 16500, 'confirmed', 'Bloom & Branch'),
    ('Harbor Lights Charity Dinner', 'floral', 'Entrance arrangement',
     'Large stone-urn arrangement in the foyer beside the auction tables.', 1, 45000, 'approved', 'Bloom & Branch'),
    ('Harbor Lights Charity Dinner', 'rentals', 'Silent auction tables',
     '8-ft tables with navy linens and bid-sheet stands.', 6, 3500, 'confirmed', 'Tidewater Event Rentals'),
    ('Harbor Lights Charity Dinner', 'rentals', 'Navy uplighting',
     'Wireless uplights around the ballroom perimeter.', 24, 2500, 'approved', 'Tidewater Event Rentals'),
    ('Harbor Lights Charity Dinner', 'music', 'String quartet',
     'Dinner hour, 7:15-8:30pm.', 1, 180000, 'proposed', null),
    ('Harbor Lights Charity Dinner', 'other', 'Auction paddles & printing',
     '180 numbered paddles and printed programs.', 1, 22000, 'requested', null),

    -- Mark Johnson's 50th Birthday
    ('Mark Johnson''s 50th Birthday', 'menu', 'Family-style dinner',
     'Tuna crudo to start; braised short rib, lemon-herb roast chicken, seasonal vegetables.', 70, 8200, 'confirmed', null),
    ('Mark Johnson''s 50th Birthday', 'menu', 'Birthday cake',
     'Three-tier chocolate & salted caramel with a gold "50" topper.', 1, 42000, 'confirmed', null),
    ('Mark Johnson''s 50th Birthday', 'beverage', 'Premium open bar',
     'With an Old Fashioned station featuring Mark''s favorite bourbon.', 70, 6500, 'confirmed', null),
    ('Mark Johnson''s 50th Birthday', 'beverage', 'Bourbon tasting flight',
     'Three-pour flight during cocktail hour.', 30, 1800, 'requested', null),
    ('Mark Johnson''s 50th Birthday', 'floral', 'Table arrangements',
     'Low burnt-orange and gold arrangements.', 10, 9500, 'approved', 'Bloom & Branch'),
    ('Mark Johnson''s 50th Birthday', 'music', 'DJ: 70s soul & funk',
     '7:00-11:00pm; first song when Mark walks in: "September".', 1, 120000, 'confirmed', 'Velvet Groove Entertainment'),
    ('Mark Johnson''s 50th Birthday', 'decor', 'Photo timeline wall',
     'Mark through the decades: 40 prints supplied by Ava.', 1, 25000, 'proposed', null),
    ('Mark Johnson''s 50th Birthday', 'other', 'Surprise entrance coordination',
     'Side elevator held 7:25-7:35pm; lights down on cue.', 1, 0, 'confirmed', null),

    -- Emma & Daniel's Wedding
    ('Emma & Daniel''s Wedding', 'menu', 'Plated dinner',
     'Burrata & heirloom tomato; choice of filet mignon, pan-seared salmon or wild mushroom risotto; passion fruit pavlova.', 110, 9500, 'confirmed', null),
    ('Emma & Daniel''s Wedding', 'menu', 'Cocktail hour canapes',
     'Five passed bites plus a raw bar with oysters and shrimp.', 110, 3200, 'confirmed', null),
    ('Emma & Daniel''s Wedding', 'beverage', 'Premium open bar',
     'Signature cocktails "The Blush" (grapefruit gin fizz) and "Sage Advice" (sage margarita).', 110, 6500, 'confirmed', null),
    ('Emma & Daniel''s Wedding', 'floral', 'Bridal bouquet & party florals',
     'Garden roses, ranunculus and eucalyptus; six bridesmaids'' bouquets, seven boutonnieres.', 1, 85000, 'confirmed', 'Bloom & Branch'),
    ('Emma & Daniel''s Wedding', 'floral', 'Ceremony arch',
     'Asymmetric blush & sage arch at the pergola.', 1, 120000, 'confirmed', 'Bloom & Branch'),
    ('Emma & Daniel''s Wedding', 'floral', 'Reception centerpieces',
     'Clusters of low bud vases, blush and sage.', 11, 9500, 'approved', 'Bloom & Branch'),
    ('Emma & Daniel''s Wedding', 'photography', 'Wedding photography, 8 hours',
     'Two shooters, from getting ready through the sparkler exit; online gallery.', 1, 420000, 'confirmed', 'Golden Hour Photography'),
    ('Emma & Daniel''s Wedding', 'music', 'DJ & MC',
     'Ceremony sound on the terrace, cocktail hour and reception.', 1, 180000, 'confirmed', 'Velvet Groove Entertainment'),
    ('Emma & Daniel''s Wedding', 'rentals', 'Ceremony garden chairs',
     'White garden chairs on the terrace.', 110, 800, 'confirmed', null),
    ('Emma & Daniel''s Wedding', 'other', 'Sparkler exit',
     '40 long-burn sparklers, sand buckets, two staff at the exit.', 1, 12000, 'requested', null),

    -- Wu Family Reunion
    ('Wu Family Reunion', 'menu', 'Family-style lunch',
     'Roast chicken, sesame noodles, summer salads, fruit; kids'' plates.', 90, 6800, 'proposed', null),
    ('Wu Family Reunion', 'menu', 'Dim sum station',
     'Har gow, siu mai and char siu bao, steamed to order.', 90, 2400, 'approved', 'Saltwater Kitchen'),
    ('Wu Family Reunion', 'beverage', 'Beer & wine bar',
     'Plus iced jasmine tea and lemonade.', 90, 3800, 'proposed', null),
    ('Wu Family Reunion', 'rentals', 'Shade tent 20x30',
     'Clear-top tent over the lawn seating, sidewalls on standby.', 1, 180000, 'requested', 'Tidewater Event Rentals'),
    ('Wu Family Reunion', 'rentals', 'Lawn games',
     'Cornhole, giant Jenga and croquet.', 1, 30000, 'approved', 'Tidewater Event Rentals'),
    ('Wu Family Reunion', 'other', 'Family photo riser',
     'Three-tier riser on the terrace for the 3pm group photo.', 1, 25000, 'proposed', null),

    -- Eli Johnson's Bar Mitzvah
    ('Eli Johnson''s Bar Mitzvah', 'menu', 'Kosher-style dinner buffet',
     'Brisket, roast chicken, cedar-plank salmon, potato kugel, roasted vegetables.', 140, 8800, 'confirmed', 'Saltwater Kitchen'),
    ('Eli Johnson''s Bar Mitzvah', 'menu', 'Teen menu',
     'Sliders, fries, mac & cheese and a sundae bar in the teen lounge.', 50, 2800, 'confirmed', 'Saltwater Kitchen'),
    ('Eli Johnson''s Bar Mitzvah', 'beverage', 'Premium open bar (adults)',
     'Four hours.', 90, 6500, 'confirmed', null),
    ('Eli Johnson''s Bar Mitzvah', 'beverage', 'Mocktail bar (teens)',
     'Featuring the blue "Eli-xir".', 50, 1800, 'approved', null),
    ('Eli Johnson''s Bar Mitzvah', 'music', 'DJ, MC & dancers',
     'Includes hora music and the candle-lighting ceremony.', 1, 320000, 'confirmed', 'Velvet Groove Entertainment'),
    ('Eli Johnson''s Bar Mitzvah', 'photography', 'Photography, 5 hours',
     'Family portraits at 5pm before guests arrive.', 1, 280000, 'confirmed', 'Golden Hour Photography'),
    ('Eli Johnson''s Bar Mitzvah', 'decor', 'Candle-lighting table',
     'Display table with 13 candles and a photo of Eli at each age.', 1, 18000, 'approved', null),
    ('Eli Johnson''s Bar Mitzvah', 'other', 'Photo booth',
     'Open-air booth with prints, in the teen lounge.', 1, 95000, 'requested', null),

    -- Lumen Labs Annual Gala
    ('Lumen Labs Annual Gala', 'menu', 'Plated dinner',
     'Three courses; final menu to be chosen at the tasting.', 200, 9500, 'proposed', null),
    ('Lumen Labs Annual Gala', 'beverage', 'Premium open bar',
     'Four hours, with a champagne toast at the awards.', 200, 6500, 'proposed', null),
    ('Lumen Labs Annual Gala', 'music', 'Live band, six piece',
     'Jazz and funk through dinner, dance sets after the awards.', 1, 650000, 'proposed', 'Velvet Groove Entertainment'),
    ('Lumen Labs Annual Gala', 'decor', 'Gold & black decor package',
     'Mirror chargers, gold flatware and black linens per table.', 20, 6000, 'requested', null),
    ('Lumen Labs Annual Gala', 'other', 'Awards staging',
     'Stage, lectern and trophy table; walk-up music cues.', 1, 85000, 'proposed', null),

    -- Martinez-Alvarez Rehearsal Dinner (inquiry)
    ('Martinez-Alvarez Rehearsal Dinner', 'menu', 'Family-style Italian dinner',
     'Antipasti, rigatoni alla vodka, chicken piccata, tiramisu.', 45, 7200, 'proposed', null),
    ('Martinez-Alvarez Rehearsal Dinner', 'menu', 'Welcome aperitivo',
     'Aperol spritz and a zero-proof spritz on arrival.', 45, 1200, 'proposed', null),
    ('Martinez-Alvarez Rehearsal Dinner', 'beverage', 'Beer & wine bar',
     'Italian reds and whites.', 45, 3800, 'proposed', null),
    ('Martinez-Alvarez Rehearsal Dinner', 'decor', 'Candles & greenery',
     'Olive branches and taper candles down the harvest tables.', 1, 35000, 'proposed', null),
    ('Martinez-Alvarez Rehearsal Dinner', 'other', 'Slideshow setup',
     'Projector and screen for a 10-minute family slideshow.', 1, 15000, 'requested', null),

    -- Sofia & Mateo's Wedding
    ('Sofia & Mateo''s Wedding', 'menu', 'Plated dinner',
     'Shrimp ceviche; choice of filet, chicken mole or roasted squash enchiladas (vegan); tres leches cake.', 170, 9500, 'approved', null),
    ('Sofia & Mateo''s Wedding', 'menu', 'Cocktail hour',
     'Passed bites plus a street-taco station.', 170, 3600, 'approved', null),
    ('Sofia & Mateo''s Wedding', 'beverage', 'Premium open bar',
     'Signature margarita and paloma.', 170, 6500, 'confirmed', null),
    ('Sofia & Mateo''s Wedding', 'floral', 'Bridal party florals',
     'Marigold, terracotta roses and pampas grass.', 1, 110000, 'approved', 'Bloom & Branch'),
    ('Sofia & Mateo''s Wedding', 'floral', 'Centerpieces',
     'Tall gold candelabras alternating with low terracotta arrangements.', 17, 14000, 'proposed', 'Bloom & Branch'),
    ('Sofia & Mateo''s Wedding', 'photography', 'Photography & video, 10 hours',
     'Two photographers and one videographer; same-day edit for the reception.', 1, 650000, 'confirmed', 'Golden Hour Photography'),
    ('Sofia & Mateo''s Wedding', 'music', 'Mariachi (cocktail hour)',
     'Eight-piece mariachi on the terrace, 6:00-7:00pm.', 1, 150000, 'requested', null),
    ('Sofia & Mateo''s Wedding', 'rentals', 'Gold chiavari chairs',
     'With ivory cushions, for the ceremony and reception.', 170, 900, 'approved', 'Tidewater Event Rentals'),
    ('Sofia & Mateo''s Wedding', 'rentals', 'Lounge furniture',
     'Two velvet lounge groupings by the dance floor.', 2, 45000, 'declined', 'Tidewater Event Rentals')
) as x(event_title, category, name, description, quantity, price_cents, status, vendor_name)
join venues v on v.name = 'Harbor Hall'
join events e on e.venue_id = v.id and e.title = x.event_title
left join vendors vd on vd.venue_id = v.id and vd.name = x.vendor_name
order by e.event_date, x.category, x.name;

-- Change requests from clients on their elements (pending and resolved).
insert into element_change_requests (event_id, element_id, requested_by, description, status,
                                     resolved_by, resolved_at, created_at)
select e.id, el.id, req.id, r.description, r.status, res.id,
       case when r.resolved_ago is null then null else now() - r.resolved_ago::interval end,
       now() - r.created_ago::interval
from (values
    ('Emma & Daniel''s Wedding', 'Plated dinner', 'emma.clark@example.com',
     'Could we swap the salmon entree for halibut? Daniel''s mom doesn''t eat salmon. Happy to cover the difference.',
     'pending', null, '2 days 3 hours', null),
    ('Emma & Daniel''s Wedding', 'Reception centerpieces', 'emma.clark@example.com',
     'Please add two more centerpieces for the lounge tables by the bar (11 instead of 9).',
     'accepted', 'priya@harborhall.example', '12 days', '10 days'),
    ('Wu Family Reunion', 'Family-style lunch', 'james.wu@example.com',
     'We''ll have about 15 kids under 10. Can we add a kids'' menu (chicken tenders, plain noodles, fruit) at a lower price?',
     'pending', null, '1 day 5 hours', null),
    ('Mark Johnson''s 50th Birthday', 'Bourbon tasting flight', 'ava.johnson@example.com',
     'Can we add a bourbon tasting during cocktail hour for ~30 of Mark''s friends? He''s been collecting for years.',
     'pending', null, '3 days', null),
    ('Liam & Grace''s Engagement Party', 'Photo booth', 'liam.obrien@example.com',
     'Let''s drop the photo booth: Grace''s cousin is a photographer and is covering it as a gift.',
     'accepted', 'priya@harborhall.example', '20 days', '19 days'),
    ('Sofia & Mateo''s Wedding', 'Lounge furniture', 'sofia.martinez@example.com',
     'We''d love two velvet lounge areas next to the dance floor for the grandparents.',
     'rejected', 'sam@harborhall.example', '25 days', '23 days'),
    ('Eli Johnson''s Bar Mitzvah', 'Photo booth', 'ava.johnson@example.com',
     'Eli''s friends really want a photo booth in the teen lounge. Could we add one with prints?',
     'pending', null, '4 days 2 hours', null)
) as r(event_title, element_name, requester_email, description, status, resolver_email, created_ago, resolved_ago)
join venues v on v.name = 'Harbor Hall'
join events e on e.venue_id = v.id and e.title = r.event_title
join elements el on el.event_id = e.id and el.name = r.element_name
join users req on req.email = r.requester_email
left join users res on res.email = r.resolver_email
order by r.created_ago::interval desc;

-- ---------------------------------------------------------------------------------------------
-- Guests: 20-40 per event, names generated from arrays so every event's list differs
-- ---------------------------------------------------------------------------------------------

with names as (
    select
        array['Charlotte','Rafael','Caleb','Yara','Samuel','Thomas','Jasmine','Diego','Aaliyah','Elijah',
              'Hana','Camila','Anika','Jack','Miriam','Valentina','Fatima','Mila','Felix','Ravi',
              'Elena','Javier','Isaac','Nina','Rachel','Zoe','Nathan','Maya','Eleanor','Aarav',
              'Mei','Kai','Zara','Ruby','Daniela','Andrew','Leo','Rosa','Omar','Leah',
              'Owen','David','Victor','Henry','Isabella','Alejandro','Abigail','Chloe','Jun','Wei',
              'Lucas','Gabriel','Amara','Kavya','Sara','Aisha','Adrian','Nadia','Harper','Benjamin',
              'Ethan'] as firsts,
        array['Adams','Ahmed','Anderson','Baker','Bennett','Brooks','Campbell','Carter','Castillo','Chen',
              'Cohen','Collins','Diaz','Dubois','Edwards','Evans','Fischer','Flores','Foster','Garcia',
              'Goldberg','Gupta','Hayes','Hernandez','Ito','Jensen','Kaur','Kim','Kowalski','Lee',
              'Lopez','Mahmoud','Martin','Murphy','Nakamura','Nguyen','Novak','O''Connor','Ortiz','Park',
              'Peterson','Ramirez','Rossi','Russo','Santos','Schmidt','Shah','Silva','Sullivan','Tanaka',
              'Thompson','Torres','Walsh','Williams','Yamamoto','Young','Zhang','Bishop','Moreau'] as lasts,
        array['example.com','example.org','example.net','mail.example'] as domains,
        array['vegetarian','vegan','gluten-free','nut allergy','vegetarian','gluten-free'] as diets,
        array['Seat near the exit: uses a walker','Plus-one name TBC','Arriving late (flight lands at 6pm)',
              'Needs a high chair for her toddler','Close family: front table','Bringing a service dog'] as remarks
),
lists as (
    select e.id as event_id, e.status, e.created_at, e.event_date - current_date as days_out,
           row_number() over (order by e.event_date, e.title) as k,
           g.n, g.family, g.family_every
    from (values
        ('Lumen Labs Engineering Offsite Dinner', 24, array[]::text[],                  3),
        ('Liam & Grace''s Engagement Party',      30, array['O''Brien','Donnelly'],        3),
        ('Lumen Labs Product Launch',             36, array[]::text[],                  3),
        ('Harbor Lights Charity Dinner',          40, array[]::text[],                  3),
        ('Mark Johnson''s 50th Birthday',         32, array['Johnson'],                 4),
        ('Emma & Daniel''s Wedding',              40, array['Clark','Hughes'],          3),
        ('Wu Family Reunion',                     38, array['Wu','Chen','Wu','Lin'],    2),
        ('Eli Johnson''s Bar Mitzvah',            40, array['Johnson','Levy'],          3),
        ('Lumen Labs Annual Gala',                25, array[]::text[],                  3),
        ('Martinez-Alvarez Rehearsal Dinner',     22, array['Martinez','Alvarez'],      2),
        ('Sofia & Mateo''s Wedding',              40, array['Martinez','Alvarez'],      3)
    ) as g(title, n, family, family_every)
    join venues v on v.name = 'Harbor Hall'
    join events e on e.venue_id = v.id and e.title = g.title
),
-- `x` is a deterministic pseudo-random number per (event, guest) that picks surname, RSVP,
-- diet, party size and whether an email is on file. First names step through a shuffled list,
-- so no name repeats within one event.
seeded as (
    select l.*, i,
           ('x' || substr(md5(l.k::text || ':' || i::text), 1, 7))::bit(28)::int as x
    from lists l
    cross join generate_series(1, l.n) as i
),
people as (
    select s.event_id, s.status, s.created_at, s.days_out, s.k, s.i, s.n,
           nm.firsts[1 + (s.k * 17 + s.i * 7) % array_length(nm.firsts, 1)] as first,
           case when cardinality(s.family) > 0 and s.i % s.family_every = 1
                then s.family[1 + (s.i / s.family_every) % cardinality(s.family)]
                else nm.lasts[1 + s.x % array_length(nm.lasts, 1)]
           end as last,
           (s.x / 64) % 20 as rsvp_roll,
           (s.x / 1280) % 20 as diet_roll,
           (s.x / 25600) % 10 as party_roll,
           (s.x / 256000) % 10 as email_roll
    from seeded s
    cross join names nm
)
insert into guests (event_id, name, email, party_size, rsvp, dietary, notes, created_at)
select p.event_id,
       p.first || ' ' || p.last,
       case when p.email_roll < 7
            then lower(regexp_replace(case when p.i % 2 = 0 then p.first || '.' || p.last
                                           else left(p.first, 1) || p.last end, '[^A-Za-z.]', '', 'g'))
                 || '@' || nm.domains[1 + (p.i + p.k) % 4]
            else ''
       end,
       case when p.party_roll < 5 then 1 when p.party_roll < 9 then 2 else 3 end,
       case
           when p.status = 'completed' then case when p.rsvp_roll < 17 then 'yes' else 'no' end
           when p.status = 'inquiry'   then case when p.rsvp_roll < 15 then 'pending' when p.rsvp_roll < 18 then 'yes' else 'maybe' end
           when p.days_out <= 14       then case when p.rsvp_roll < 13 then 'yes' when p.rsvp_roll < 15 then 'pending'
                                                 when p.rsvp_roll < 17 then 'maybe' else 'no' end
           else                             case when p.rsvp_roll < 8 then 'yes' when p.rsvp_roll < 15 then 'pending'
                                                 when p.rsvp_roll < 17 then 'maybe' else 'no' end
       end,
       case when p.diet_roll < 6 then nm.diets[1 + p.diet_roll] else '' end,
       case when (p.i * 7 + p.k) % 9 = 0 then nm.remarks[1 + (p.i + p.k) % 6] else '' end,
       -- spread between the event's creation and now, in list order
       p.created_at + (now() - p.created_at) * (0.4 + 0.55 * p.i::float8 / p.n)
from people p
cross join names nm
order by p.k, p.i;

-- ---------------------------------------------------------------------------------------------
-- Vendor assignments. Bloom & Branch and Golden Hour are deliberately NOT on every event:
-- a vendor login must only see the events it is assigned to.
-- ---------------------------------------------------------------------------------------------

insert into event_vendors (event_id, vendor_id, service, status, arrival, notes, created_at)
select e.id, vd.id, a.service, a.status, a.arrival::time, a.notes,
       least(e.created_at + interval '7 days', now() - interval '2 days')
from (values
    ('Liam & Grace''s Engagement Party', 'Velvet Groove Entertainment', 'Irish trad trio + DJ', 'confirmed', '17:30',
     'Trio loads in through the Library Lounge side door; DJ booth by the fireplace.'),
    ('Lumen Labs Product Launch', 'Tidewater Event Rentals', 'Stage, lectern, 12 high-tops', 'confirmed', '12:00',
     'Freight elevator reserved noon-2pm. Strike right after 9pm.'),
    ('Harbor Lights Charity Dinner', 'Bloom & Branch', '18 centerpieces + entrance urn', 'confirmed', '13:00',
     'White hydrangea, navy ribbon. Centerpieces must stay under 14 inches so bidders can see the stage.'),
    ('Harbor Lights Charity Dinner', 'Tidewater Event Rentals', 'Auction tables, navy uplighting', 'confirmed', '11:00',
     'Auction tables in the foyer by 2pm for the volunteers to set bid sheets.'),
    ('Mark Johnson''s 50th Birthday', 'Bloom & Branch', '10 low arrangements', 'confirmed', '16:00',
     'Burnt orange & gold. SURPRISE: do not contact Mark; Ava only.'),
    ('Mark Johnson''s 50th Birthday', 'Velvet Groove Entertainment', 'DJ: 70s soul & funk', 'confirmed', '17:30',
     'Cue "September" when Mark steps out of the elevator.'),
    ('Emma & Daniel''s Wedding', 'Bloom & Branch', 'Bouquets, ceremony arch, 11 centerpieces', 'confirmed', '12:00',
     'Blush & sage. Arch installed by 2pm; move arch florals to the sweetheart table after the ceremony.'),
    ('Emma & Daniel''s Wedding', 'Golden Hour Photography', 'Photography, 8 hours, two shooters', 'confirmed', '14:00',
     'Getting-ready shots in the bridal suite from 2pm; first look on the terrace at 3:15pm.'),
    ('Emma & Daniel''s Wedding', 'Velvet Groove Entertainment', 'DJ & MC, ceremony sound', 'confirmed', '14:30',
     'Ceremony mics on the terrace; wireless lav for the officiant.'),
    ('Wu Family Reunion', 'Saltwater Kitchen', 'Dim sum station', 'invited', '10:00',
     'Quote sent; waiting on the family to confirm.'),
    ('Wu Family Reunion', 'Tidewater Event Rentals', 'Shade tent + lawn games', 'invited', '08:00',
     'Tent needs a site visit to check the lawn anchor points.'),
    ('Eli Johnson''s Bar Mitzvah', 'Saltwater Kitchen', 'Kosher-style dinner + teen menu', 'confirmed', '13:00',
     'Uses the venue''s prep kitchen from 1pm; separate dairy-free dessert plating.'),
    ('Eli Johnson''s Bar Mitzvah', 'Golden Hour Photography', 'Photography, 5 hours', 'confirmed', '16:30',
     'Family portraits at 5pm in the ballroom before doors open.'),
    ('Eli Johnson''s Bar Mitzvah', 'Velvet Groove Entertainment', 'DJ, MC & two dancers', 'confirmed', '15:00',
     'Hora after the first course; candle-lighting at 8:30pm.'),
    ('Lumen Labs Annual Gala', 'Velvet Groove Entertainment', 'Six-piece live band', 'invited', '16:00',
     'On hold until the client confirms the date.'),
    ('Sofia & Mateo''s Wedding', 'Bloom & Branch', 'Bridal party florals + 17 centerpieces', 'confirmed', '11:00',
     'Gold, terracotta & ivory; marigolds for the lazo table.'),
    ('Sofia & Mateo''s Wedding', 'Golden Hour Photography', 'Photography & video, 10 hours', 'confirmed', '12:00',
     'Same-day edit to screen during dinner; bilingual shot list from Sofia.'),
    ('Sofia & Mateo''s Wedding', 'Tidewater Event Rentals', 'Gold chiavari chairs', 'confirmed', '09:00',
     '170 chairs, ivory cushions; ceremony chairs flipped to the ballroom during cocktail hour.')
) as a(event_title, vendor_name, service, status, arrival, notes)
join venues v on v.name = 'Harbor Hall'
join events e on e.venue_id = v.id and e.title = a.event_title
join vendors vd on vd.venue_id = v.id and vd.name = a.vendor_name
order by e.event_date, vd.name;

-- ---------------------------------------------------------------------------------------------
-- Contracts (every event past inquiry), line items, payment milestones
-- ---------------------------------------------------------------------------------------------

insert into contracts (event_id, status, terms, signed_at, created_at)
select e.id, c.status,
       'Deposit is non-refundable and holds the date and space. Final guest count is due 10 days before the event; '
       || 'you will be billed for the final count or the actual count, whichever is higher. Outside vendors must provide '
       || 'a certificate of insurance 14 days before the event. Rooftop music ends at 11pm. A 20% service charge and '
       || '7% Massachusetts meals tax apply to food and beverage and are invoiced with the final payment.'
       || case when c.extra = '' then '' else ' ' || c.extra end,
       case when c.signed_ago is null then null else now() - c.signed_ago::interval end,
       now() - c.created_ago::interval
from (values
    ('Lumen Labs Engineering Offsite Dinner', 'signed', '48 days',  '50 days',  'Invoices reference Lumen Labs PO 4471.'),
    ('Liam & Grace''s Engagement Party',      'signed', '68 days',  '72 days',  ''),
    ('Lumen Labs Product Launch',             'signed', '38 days',  '42 days',  'Invoices reference Lumen Labs PO 4519. Press photography by Lumen''s own team.'),
    ('Harbor Lights Charity Dinner',          'signed', '190 days', '195 days', 'Harbor Lights Foundation is a 501(c)(3); tax-exempt certificate on file.'),
    ('Mark Johnson''s 50th Birthday',         'signed', '44 days',  '47 days',  ''),
    ('Emma & Daniel''s Wedding',              'signed', '230 days', '235 days', 'Rain plan: the venue decides by 10am on the day whether the ceremony moves under cover.'),
    ('Wu Family Reunion',                     'sent',   null,       '6 days',   'Date held for 14 days pending signature and deposit.'),
    ('Eli Johnson''s Bar Mitzvah',            'signed', '140 days', '145 days', 'Outside-caterer fee waived for Saltwater Kitchen.'),
    ('Lumen Labs Annual Gala',                'draft',  null,       '5 days',   ''),
    ('Sofia & Mateo''s Wedding',              'signed', '200 days', '205 days', '')
) as c(event_title, status, signed_ago, created_ago, extra)
join venues v on v.name = 'Harbor Hall'
join events e on e.venue_id = v.id and e.title = c.event_title
order by e.event_date;

insert into contract_line_items (contract_id, position, description, quantity, unit_price_cents, created_at)
select ct.id, li.position, li.description, li.quantity, li.unit_price_cents, ct.created_at
from (values
    ('Lumen Labs Engineering Offsite Dinner', 1, 'Library Lounge rental', 1, 250000),
    ('Lumen Labs Engineering Offsite Dinner', 2, 'Family-style dinner', 40, 8200),
    ('Lumen Labs Engineering Offsite Dinner', 3, 'Beer & wine bar', 40, 3800),
    ('Lumen Labs Engineering Offsite Dinner', 4, 'Event coordinator (hours)', 4, 9500),

    ('Liam & Grace''s Engagement Party', 1, 'Library Lounge rental', 1, 250000),
    ('Liam & Grace''s Engagement Party', 2, 'Cocktail reception & passed canapes', 55, 4200),
    ('Liam & Grace''s Engagement Party', 3, 'Premium open bar (4 hours)', 55, 6500),
    ('Liam & Grace''s Engagement Party', 4, 'Bartenders (2 x 4 hours)', 8, 6000),

    ('Lumen Labs Product Launch', 1, 'Rooftop rental (hours)', 5, 75000),
    ('Lumen Labs Product Launch', 2, 'Cocktail reception & passed canapes', 75, 4200),
    ('Lumen Labs Product Launch', 3, 'Beer & wine bar', 75, 3800),
    ('Lumen Labs Product Launch', 4, 'House sound & lighting', 1, 75000),
    ('Lumen Labs Product Launch', 5, 'Event coordinator (hours)', 5, 9500),

    ('Harbor Lights Charity Dinner', 1, 'Grand Ballroom rental', 1, 850000),
    ('Harbor Lights Charity Dinner', 2, 'Plated dinner (three courses)', 180, 9500),
    ('Harbor Lights Charity Dinner', 3, 'Premium open bar (4 hours)', 180, 6500),
    ('Harbor Lights Charity Dinner', 4, 'House sound & lighting', 1, 75000),
    ('Harbor Lights Charity Dinner', 5, 'Bartenders (4 x 5 hours)', 20, 6000),
    ('Harbor Lights Charity Dinner', 6, 'Event coordinator (hours)', 6, 9500),

    ('Mark Johnson''s 50th Birthday', 1, 'Rooftop rental (hours)', 5, 75000),
    ('Mark Johnson''s 50th Birthday', 2, 'Family-style dinner', 70, 8200),
    ('Mark Johnson''s 50th Birthday', 3, 'Premium open bar (4 hours)', 70, 6500),
    ('Mark Johnson''s 50th Birthday', 4, 'Cake cutting & dessert service', 70, 450),
    ('Mark Johnson''s 50th Birthday', 5, 'Event coordinator (hours)', 5, 9500),

    ('Emma & Daniel''s Wedding', 1, 'Garden Terrace rental', 1, 550000),
    ('Emma & Daniel''s Wedding', 2, 'Ceremony setup & garden chairs', 1, 120000),
    ('Emma & Daniel''s Wedding', 3, 'Plated dinner (three courses)', 110, 9500),
    ('Emma & Daniel''s Wedding', 4, 'Premium open bar (4 hours)', 110, 6500),
    ('Emma & Daniel''s Wedding', 5, 'Cake cutting & dessert service', 110, 450),
    ('Emma & Daniel''s Wedding', 6, 'Event coordinator (hours)', 8, 9500),

    ('Wu Family Reunion', 1, 'Garden Terrace rental', 1, 550000),
    ('Wu Family Reunion', 2, 'Family-style lunch', 90, 6800),
    ('Wu Family Reunion', 3, 'Beer & wine bar', 90, 3800),

    ('Eli Johnson''s Bar Mitzvah', 1, 'Grand Ballroom rental', 1, 850000),
    ('Eli Johnson''s Bar Mitzvah', 2, 'Outside caterer fee (waived)', 1, 0),
    ('Eli Johnson''s Bar Mitzvah', 3, 'Premium open bar (4 hours), adults', 90, 6500),
    ('Eli Johnson''s Bar Mitzvah', 4, 'Mocktail bar, teens', 50, 1800),
    ('Eli Johnson''s Bar Mitzvah', 5, 'House sound & lighting', 1, 75000),
    ('Eli Johnson''s Bar Mitzvah', 6, 'Event coordinator (hours)', 7, 9500),

    ('Lumen Labs Annual Gala', 1, 'Grand Ballroom rental', 1, 850000),
    ('Lumen Labs Annual Gala', 2, 'Plated dinner (three courses)', 200, 9500),
    ('Lumen Labs Annual Gala', 3, 'Premium open bar (4 hours)', 200, 6500),
    ('Lumen Labs Annual Gala', 4, 'House sound & lighting', 1, 75000),
    ('Lumen Labs Annual Gala', 5, 'Bartenders (6 x 4 hours)', 24, 6000),

    ('Sofia & Mateo''s Wedding', 1, 'Grand Ballroom rental', 1, 850000),
    ('Sofia & Mateo''s Wedding', 2, 'Ceremony setup & garden chairs (Garden Terrace)', 1, 120000),
    ('Sofia & Mateo''s Wedding', 3, 'Plated dinner (three courses)', 170, 9500),
    ('Sofia & Mateo''s Wedding', 4, 'Premium open bar (4 hours)', 170, 6500),
    ('Sofia & Mateo''s Wedding', 5, 'Cake cutting & dessert service', 170, 450),
    ('Sofia & Mateo''s Wedding', 6, 'Event coordinator (hours)', 8, 9500)
) as li(event_title, position, description, quantity, unit_price_cents)
join venues v on v.name = 'Harbor Hall'
join events e on e.venue_id = v.id and e.title = li.event_title
join contracts ct on ct.event_id = e.id
order by e.event_date, li.position;

-- Milestones: a percentage of the contract total (rounded to whole dollars); the last one
-- (pct null) is the balance, so the milestones always add up to the contract total.
with totals as (
    select ct.id as contract_id, e.title, sum(li.quantity * li.unit_price_cents)::bigint as total
    from contracts ct
    join events e on e.id = ct.event_id
    join contract_line_items li on li.contract_id = ct.id
    group by ct.id, e.title
),
plan as (
    select t.contract_id, t.total, m.seq, m.label, m.due_offset, m.paid_offset,
           case when m.pct is null then null else t.total * m.pct / 10000 * 100 end as amount
    from (values
        ('Lumen Labs Engineering Offsite Dinner', 1, 'Deposit (50%)',          50,   -45,  -44),
        ('Lumen Labs Engineering Offsite Dinner', 2, 'Balance',                null,  -5,   -3),
        ('Liam & Grace''s Engagement Party',      1, 'Deposit (30%)',          30,   -70,  -68),
        ('Liam & Grace''s Engagement Party',      2, 'Final balance',          null,  -2, null),
        ('Lumen Labs Product Launch',             1, 'Deposit (50%)',          50,   -35,  -33),
        ('Lumen Labs Product Launch',             2, 'Balance',                null,   3, null),
        ('Harbor Lights Charity Dinner',          1, 'Deposit (30%)',          30,  -185, -188),
        ('Harbor Lights Charity Dinner',          2, 'Second payment (40%)',   40,   -30,  -27),
        ('Harbor Lights Charity Dinner',          3, 'Final balance',          null,   0, null),
        ('Mark Johnson''s 50th Birthday',         1, 'Deposit (40%)',          40,   -42,  -43),
        ('Mark Johnson''s 50th Birthday',         2, 'Final balance',          null,   2, null),
        ('Emma & Daniel''s Wedding',              1, 'Deposit (30%)',          30,  -228, -229),
        ('Emma & Daniel''s Wedding',              2, 'Second payment (40%)',   40,   -28,  -30),
        ('Emma & Daniel''s Wedding',              3, 'Final balance',          null,   2, null),
        ('Wu Family Reunion',                     1, 'Deposit (30%)',          30,     8, null),
        ('Wu Family Reunion',                     2, 'Final balance',          null,  12, null),
        ('Eli Johnson''s Bar Mitzvah',            1, 'Deposit (30%)',          30,  -138, -139),
        ('Eli Johnson''s Bar Mitzvah',            2, 'Second payment (40%)',   40,    -5,   -6),
        ('Eli Johnson''s Bar Mitzvah',            3, 'Final balance',          null,  16, null),
        ('Lumen Labs Annual Gala',                1, 'Deposit (30%)',          30,    10, null),
        ('Lumen Labs Annual Gala',                2, 'Final balance',          null,  26, null),
        ('Sofia & Mateo''s Wedding',              1, 'Deposit (30%)',          30,  -198, -199),
        ('Sofia & Mateo''s Wedding',              2, 'Second payment (40%)',   40,    17, null),
        ('Sofia & Mateo''s Wedding',              3, 'Final balance',          null,  37, null)
    ) as m(event_title, seq, label, pct, due_offset, paid_offset)
    join totals t on t.title = m.event_title
)
insert into payment_milestones (contract_id, label, due_date, amount_cents, paid_at, created_at)
select p.contract_id, p.label, current_date + p.due_offset,
       coalesce(p.amount, p.total - coalesce(sum(p.amount) over (partition by p.contract_id), 0)),
       case when p.paid_offset is null then null
            else now() + make_interval(days => p.paid_offset) end,
       ct.created_at
from plan p
join contracts ct on ct.id = p.contract_id
order by p.contract_id, p.seq;

-- ---------------------------------------------------------------------------------------------
-- Tasks: venue-level and per event, around today (some overdue, most due in the next 2 weeks)
-- ---------------------------------------------------------------------------------------------

insert into tasks (venue_id, event_id, title, description, assignee_id, due_date, status,
                   created_by, completed_at, created_at)
select v.id, e.id, t.title, t.description, a.id, current_date + t.due_offset, t.status, cb.id,
       case when t.status = 'done' then now() - make_interval(days => greatest(-t.due_offset, 0), hours => 3) end,
       now() - make_interval(days => t.created_days_ago)
from (values
    -- venue-level
    (null, 'Service the rooftop patio heaters',
     'Two of the six heaters failed to ignite last weekend. Call Northeast Patio Service and get them fixed before the launch.',
     'sam@harborhall.example', -2, 'open', 'olivia@harborhall.example', 9),
    (null, 'Restock bar glassware',
     'Short on coupes and rocks glasses after the offsite dinner: order 10 dozen coupes and 6 dozen rocks.',
     'marco@harborhall.example', 3, 'in_progress', 'olivia@harborhall.example', 5),
    (null, 'Quarterly fire-safety walkthrough',
     'Walk all four spaces with the fire marshal checklist; test the ballroom exit signs and the rooftop extinguishers.',
     'sam@harborhall.example', 6, 'open', 'olivia@harborhall.example', 14),
    (null, 'Refresh the services price list for next season',
     'Review catering per-guest prices with Marco and update the Rooftop hourly rate.',
     'priya@harborhall.example', 21, 'open', 'olivia@harborhall.example', 10),
    (null, 'Publish the staff rota for the next two weekends',
     'Five events in the next two weeks: two bartenders minimum on each, three for the charity dinner.',
     'sam@harborhall.example', -3, 'done', 'olivia@harborhall.example', 12),

    -- per event
    ('Lumen Labs Engineering Offsite Dinner', 'Send the post-event survey to Noah',
     'Include the photos from the retro and ask about the spring offsite.',
     'sam@harborhall.example', -3, 'done', 'sam@harborhall.example', 5),
    ('Liam & Grace''s Engagement Party', 'Chase the final balance from Liam',
     'Final payment was due two days ago; send a friendly reminder with the contract link.',
     'sam@harborhall.example', -1, 'open', 'olivia@harborhall.example', 4),
    ('Liam & Grace''s Engagement Party', 'Confirm trio load-in and the 8pm toast cue',
     'Check with Velvet Groove that the trio arrives by 5:30pm; champagne pour starts 7:55pm.',
     'priya@harborhall.example', 1, 'open', 'priya@harborhall.example', 6),
    ('Lumen Labs Product Launch', 'AV run-through with Lumen''s slides',
     'Test both screens, the confidence monitor and the clicker with Noah''s keynote deck.',
     'sam@harborhall.example', 4, 'in_progress', 'sam@harborhall.example', 8),
    ('Lumen Labs Product Launch', 'Print Wi-Fi table cards',
     'Guest network "Lumen-Launch"; 12 cards for the high-tops, teal card stock.',
     'marco@harborhall.example', 4, 'open', 'sam@harborhall.example', 3),
    ('Lumen Labs Product Launch', 'Send the load-in schedule to Tidewater',
     'Freight elevator noon-2pm; stage on the north side.',
     'sam@harborhall.example', -6, 'done', 'sam@harborhall.example', 12),
    ('Harbor Lights Charity Dinner', 'Get the final seating chart from Harbor Lights',
     '18 tables; sponsor tables 1-4 at the front. Need it to print escort cards.',
     'priya@harborhall.example', 3, 'open', 'sam@harborhall.example', 10),
    ('Harbor Lights Charity Dinner', 'Confirm auction table layout with Tidewater',
     'Six tables in the foyer, with power for the card readers.',
     'sam@harborhall.example', 5, 'open', 'sam@harborhall.example', 7),
    ('Harbor Lights Charity Dinner', 'Order 180 numbered auction paddles',
     '',
     'sam@harborhall.example', -8, 'done', 'sam@harborhall.example', 20),
    ('Mark Johnson''s 50th Birthday', 'Brief staff on the surprise entrance',
     'Everyone quiet at 7:25pm, lights down, elevator held; nobody says "birthday" near the lobby.',
     'marco@harborhall.example', 8, 'open', 'priya@harborhall.example', 4),
    ('Mark Johnson''s 50th Birthday', 'Confirm the 70s soul playlist with Velvet Groove',
     'Ava sent a must-play list of 25 songs; do-not-play: "Happy Birthday" before the cake.',
     'priya@harborhall.example', 6, 'in_progress', 'priya@harborhall.example', 6),
    ('Emma & Daniel''s Wedding', 'Price the halibut swap',
     'Emma asked to swap salmon for halibut; get the per-plate difference from the fish supplier and reply.',
     'marco@harborhall.example', 2, 'open', 'priya@harborhall.example', 2),
    ('Emma & Daniel''s Wedding', 'Collect the final guest count from Emma',
     'Final count is due 10 days before the wedding; she expects around 108.',
     'priya@harborhall.example', 2, 'open', 'priya@harborhall.example', 9),
    ('Emma & Daniel''s Wedding', 'Rain plan checklist',
     'Library Lounge set for cocktail hour as a backup; covered-terrace ceremony layout printed.',
     'priya@harborhall.example', 10, 'open', 'priya@harborhall.example', 7),
    ('Emma & Daniel''s Wedding', 'Send Bloom & Branch the final table count',
     '11 centerpieces confirmed after Emma added the two lounge tables.',
     'priya@harborhall.example', -4, 'done', 'priya@harborhall.example', 11),
    ('Wu Family Reunion', 'Follow up on the unsigned contract',
     'Contract sent 6 days ago; deposit due in 8 days or the hold lapses.',
     'sam@harborhall.example', 3, 'open', 'sam@harborhall.example', 6),
    ('Wu Family Reunion', 'Get a quote for the clear-top tent',
     'Tidewater needs a site visit for the anchor points.',
     'sam@harborhall.example', -1, 'in_progress', 'sam@harborhall.example', 8),
    ('Eli Johnson''s Bar Mitzvah', 'Confirm kitchen arrangements with Saltwater Kitchen',
     'Prep-kitchen access from 1pm, separate dessert plating, their staff count for credentials.',
     'marco@harborhall.example', 12, 'open', 'sam@harborhall.example', 5),
    ('Eli Johnson''s Bar Mitzvah', 'Get the candle-lighting order from Ava',
     '13 candles: names and order of who is called up, for the DJ script.',
     'priya@harborhall.example', 18, 'open', 'sam@harborhall.example', 5),
    ('Lumen Labs Annual Gala', 'Follow up on CFO sign-off',
     'Ballroom hold expires soon; another inquiry for the same date is waiting.',
     'sam@harborhall.example', 14, 'open', 'olivia@harborhall.example', 4),
    ('Martinez-Alvarez Rehearsal Dinner', 'Send the rehearsal dinner proposal to Sofia',
     'Family-style Italian menu, Library Lounge, 45 guests; bundle with the wedding for a 10% room discount.',
     'priya@harborhall.example', 2, 'open', 'priya@harborhall.example', 2),
    ('Sofia & Mateo''s Wedding', 'Schedule the menu tasting for Sofia & Mateo',
     'Tasting for 4 (Sofia, Mateo, Lucia and Mateo''s father), weekday evening; include the squash enchiladas.',
     'marco@harborhall.example', 9, 'open', 'priya@harborhall.example', 5),
    ('Sofia & Mateo''s Wedding', 'Second payment reminder',
     'Second payment (40%) is due in 17 days.',
     'sam@harborhall.example', 15, 'open', 'priya@harborhall.example', 3)
) as t(event_title, title, description, assignee_email, due_offset, status, creator_email, created_days_ago)
join venues v on v.name = 'Harbor Hall'
left join events e on e.venue_id = v.id and e.title = t.event_title
left join users a on a.email = t.assignee_email
left join users cb on cb.email = t.creator_email
order by t.due_offset, t.title;

-- ---------------------------------------------------------------------------------------------
-- Message threads and messages. A thread's created_at / updated_at follow its first and last
-- message; every timestamp is in the recent past and ordered within its thread.
-- ---------------------------------------------------------------------------------------------

with thread_src(subject, event_title, kind, vendor_name) as (
    values
    ('Engineering offsite dinner',             'Lumen Labs Engineering Offsite Dinner', 'client',   null),
    ('Engagement party planning',              'Liam & Grace''s Engagement Party',      'client',   null),
    ('Product launch logistics',               'Lumen Labs Product Launch',             'client',   null),
    ('Launch: staffing & AV',                  'Lumen Labs Product Launch',             'internal', null),
    ('Harbor Lights dinner: seating & auction', 'Harbor Lights Charity Dinner',         'client',   null),
    ('Harbor Lights: centerpieces',            'Harbor Lights Charity Dinner',          'vendor',   'Bloom & Branch'),
    ('Charity dinner: sponsor tables',         'Harbor Lights Charity Dinner',          'internal', null),
    ('Mark''s surprise 50th',                  'Mark Johnson''s 50th Birthday',         'client',   null),
    ('50th: DJ & playlist',                    'Mark Johnson''s 50th Birthday',         'vendor',   'Velvet Groove Entertainment'),
    ('Emma & Daniel: wedding planning',        'Emma & Daniel''s Wedding',              'client',   null),
    ('Emma & Daniel: florals',                 'Emma & Daniel''s Wedding',              'vendor',   'Bloom & Branch'),
    ('Emma & Daniel: photography',             'Emma & Daniel''s Wedding',              'vendor',   'Golden Hour Photography'),
    ('Emma & Daniel: day-of staffing',         'Emma & Daniel''s Wedding',              'internal', null),
    ('Wu Family Reunion: holding the date',    'Wu Family Reunion',                     'client',   null),
    ('Eli''s bar mitzvah',                     'Eli Johnson''s Bar Mitzvah',            'client',   null),
    ('Eli''s bar mitzvah: portraits',          'Eli Johnson''s Bar Mitzvah',            'vendor',   'Golden Hour Photography'),
    ('Eli''s bar mitzvah: kitchen',            'Eli Johnson''s Bar Mitzvah',            'vendor',   'Saltwater Kitchen'),
    ('Annual gala: date hold',                 'Lumen Labs Annual Gala',                'client',   null),
    ('Rehearsal dinner inquiry',               'Martinez-Alvarez Rehearsal Dinner',     'client',   null),
    ('Sofia & Mateo: wedding planning',        'Sofia & Mateo''s Wedding',              'client',   null),
    ('Sofia & Mateo: florals',                 'Sofia & Mateo''s Wedding',              'vendor',   'Bloom & Branch')
),
msg_src(subject, author_email, ago, body) as (
    values
    -- Lumen Labs Engineering Offsite Dinner
    ('Engineering offsite dinner', 'noah.patel@example.com', '9 days 2 hours',
     'Hi Sam, final headcount for the offsite dinner is 40. Two vegans and one nut allergy; names are in the guest list. Can we have the projector ready by 6pm for a 15-minute retro?'),
    ('Engineering offsite dinner', 'sam@harborhall.example', '9 days',
     'Got it: 40 confirmed and the dietary notes are with Marco. Projector and screen will be set in the Library Lounge by 5:45pm, with HDMI and USB-C adapters.'),
    ('Engineering offsite dinner', 'noah.patel@example.com', '4 days 20 hours',
     'Thank you all, last night was great. The team keeps talking about the hanger steak. Can we pencil in the same format for the spring offsite?'),
    ('Engineering offsite dinner', 'sam@harborhall.example', '3 days 22 hours',
     'So glad it went well! I''ve sent you a short feedback survey and I''ll hold a couple of spring dates for you to choose from.'),

    -- Liam & Grace's Engagement Party
    ('Engagement party planning', 'liam.obrien@example.com', '20 days 2 hours',
     'Hi Priya, we''re going to drop the photo booth: Grace''s cousin Aoife is a photographer and is covering it as a gift. Also, Grace''s sister Niamh wants to give a toast around 8. Can we have bubbles ready?'),
    ('Engagement party planning', 'priya@harborhall.example', '19 days',
     'Done: photo booth removed, and I''ve added a prosecco pour for 55 at 7:55pm so glasses are in hand for Niamh''s toast. The trio plays 6:30-7:30pm, then the DJ takes over.'),
    ('Engagement party planning', 'liam.obrien@example.com', '3 days 6 hours',
     'Perfect. Final count is 55 on the dot. Grace asked if the fireplace can be lit?'),
    ('Engagement party planning', 'priya@harborhall.example', '3 days 1 hour',
     'Yes, the fireplace will be lit from 6pm. One reminder: the final balance is due this week; you''ll find it under Contract, or Sam can take a card over the phone.'),

    -- Lumen Labs Product Launch
    ('Product launch logistics', 'noah.patel@example.com', '10 days',
     'Sam, run of show attached. Keynote at 6:00 sharp, 20 minutes, then demo stations. We''ll have about 15 press; can they check in separately from partners?'),
    ('Product launch logistics', 'sam@harborhall.example', '9 days 20 hours',
     'Yes: a press desk at the elevator landing from 4:30pm with two of our staff, partners straight to the bar. Tidewater delivers the stage at noon, and we''ll do an AV run-through with your deck the day before.'),
    ('Product launch logistics', 'noah.patel@example.com', '2 days 4 hours',
     'Great. Could we get teal uplighting along the parapet? It''s our brand color and will photograph well at dusk.'),
    ('Product launch logistics', 'sam@harborhall.example', '2 days 1 hour',
     'Checking with our lighting tech now. I''ve added it as a requested item ($450) so you can approve it from your event page.'),
    ('Launch: staffing & AV', 'sam@harborhall.example', '5 days',
     'Marco, the launch needs 3 bartenders from 4:30pm and one runner for the press desk. Can you cover?'),
    ('Launch: staffing & AV', 'marco@harborhall.example', '4 days 22 hours',
     'Yes: Alex, Jordan and Mei on bar, Tom on the press desk. I''ll batch the Halo Spritz in the afternoon.'),
    ('Launch: staffing & AV', 'olivia@harborhall.example', '4 days 20 hours',
     'Thanks both. Lumen is a big account; make sure the rooftop wind screens are up, the forecast says gusty.'),

    -- Harbor Lights Charity Dinner
    ('Harbor Lights dinner: seating & auction', 'liam.obrien@example.com', '15 days',
     'Hi Sam, we''ve sold 17 of 18 tables! Sponsors are at tables 1-4. The seating chart will follow once the last table is confirmed.'),
    ('Harbor Lights dinner: seating & auction', 'sam@harborhall.example', '14 days 22 hours',
     'Fantastic news. For the silent auction, Tidewater is setting six tables in the foyer with power for your card readers. Could you send the seating chart a few days ahead so we can print escort cards?'),
    ('Harbor Lights dinner: seating & auction', 'liam.obrien@example.com', '1 day 6 hours',
     'Last table sold! Chart coming tomorrow. Our auctioneer also needs a wireless handheld mic and a lectern stage left.'),
    ('Harbor Lights dinner: seating & auction', 'sam@harborhall.example', '1 day 2 hours',
     'Noted: handheld mic and lectern stage left. Congratulations on the sell-out!'),
    ('Harbor Lights: centerpieces', 'sam@harborhall.example', '8 days',
     'Hi Hannah, confirming 18 centerpieces plus the entrance urn for the Harbor Lights dinner. Please keep centerpieces under 14 inches: bidders need sightlines to the stage.'),
    ('Harbor Lights: centerpieces', 'bloom@vendors.example', '7 days 20 hours',
     'Confirmed! White hydrangea, navy ribbon and hurricane candles, all at 12 inches. We arrive at 1pm and need the freight elevator for the urn.'),
    ('Harbor Lights: centerpieces', 'sam@harborhall.example', '7 days 18 hours',
     'The freight elevator is yours from 1 to 2pm.'),
    ('Charity dinner: sponsor tables', 'olivia@harborhall.example', '6 days',
     'Sam, the Harbor Lights board is bringing guests from the mayor''s office to table 1. Let''s put our best servers on tables 1-4.'),
    ('Charity dinner: sponsor tables', 'sam@harborhall.example', '5 days 23 hours',
     'Will do; Marco is assigning his lead servers. We''ll also keep two spare seats at table 2 for last-minute sponsors.'),

    -- Mark Johnson's 50th Birthday
    ('Mark''s surprise 50th', 'ava.johnson@example.com', '14 days',
     'Priya, reminder that this is a SURPRISE. Please only contact me by email or on my cell, never the home number. Mark thinks we''re having dinner for two at 7:30.'),
    ('Mark''s surprise 50th', 'priya@harborhall.example', '13 days 23 hours',
     'Understood, it''s flagged on your file. Plan: guests arrive by 7pm, we hold the side elevator for Mark at 7:25, lights go down and the DJ cues "September" as he steps out.'),
    ('Mark''s surprise 50th', 'ava.johnson@example.com', '3 days 2 hours',
     'Love it. Could we add a bourbon tasting for ~30 of his friends during cocktail hour? I put in a request. I''ll also drop off 40 photos for the timeline wall later this week.'),
    ('Mark''s surprise 50th', 'priya@harborhall.example', '2 days 20 hours',
     'Great idea: Marco suggests a three-pour flight (Buffalo Trace, Woodford Double Oaked and a local rye) at $18 per guest. Photos can go to the front desk any day 9-5.'),
    ('50th: DJ & playlist', 'priya@harborhall.example', '6 days',
     'Call notes with Dre at Velvet Groove: confirmed 7-11pm, 70s soul & funk, "September" as the entrance cue. Ava''s must-play list forwarded by email.'),
    ('50th: DJ & playlist', 'priya@harborhall.example', '1 day 4 hours',
     'Dre confirmed load-in at 5:30pm via the freight elevator; needs one 20A circuit by the DJ table.'),

    -- Emma & Daniel's Wedding
    ('Emma & Daniel: wedding planning', 'emma.clark@example.com', '12 days 2 hours',
     'Hi Priya, we''d like two more centerpieces for the lounge tables by the bar, so 11 in total. Is that OK with Bloom & Branch''s timeline?'),
    ('Emma & Daniel: wedding planning', 'priya@harborhall.example', '10 days',
     'Done: 11 centerpieces confirmed with Bloom & Branch, and your event page is updated.'),
    ('Emma & Daniel: wedding planning', 'emma.clark@example.com', '2 days 5 hours',
     'Daniel and I loved the tasting! Could we swap the salmon for halibut? His mom doesn''t eat salmon. And is the rain call still 10am on the day?'),
    ('Emma & Daniel: wedding planning', 'priya@harborhall.example', '2 days 1 hour',
     'So glad you enjoyed it! Halibut is doable; Marco is pricing it now and I''ll update your request once we have the number. Yes, rain call is 10am day-of: cocktail hour would move to the Library Lounge and the ceremony to the covered half of the terrace.'),
    ('Emma & Daniel: wedding planning', 'emma.clark@example.com', '20 hours',
     'Perfect, thank you! The final count is looking like 108; I''ll confirm before the deadline. Can Hannah get in at noon to set the arch?'),
    ('Emma & Daniel: florals', 'priya@harborhall.example', '11 days',
     'Hi Hannah, Emma added two lounge tables, so it''s 11 reception centerpieces now. Palette stays blush & sage.'),
    ('Emma & Daniel: florals', 'bloom@vendors.example', '10 days 22 hours',
     'Got it, 11 clusters of bud vases. For the arch I''m planning garden roses, ranunculus and lots of eucalyptus, heavier on the left side. Can we load in at noon?'),
    ('Emma & Daniel: florals', 'priya@harborhall.example', '10 days 20 hours',
     'Noon works, through the service entrance on Pier Street. After the ceremony your team moves the arch florals to the sweetheart table.'),
    ('Emma & Daniel: florals', 'bloom@vendors.example', '1 day 8 hours',
     'Garden roses are ordered from our grower. We''ll bring a sample centerpiece by the venue later this week for Emma to see.'),
    ('Emma & Daniel: photography', 'lens@vendors.example', '9 days',
     'Hi Priya, shot list draft: getting ready in the bridal suite from 2pm, first look on the terrace at 3:15, family formals right after the ceremony (Emma sent 12 groupings). Any restrictions during the ceremony?'),
    ('Emma & Daniel: photography', 'priya@harborhall.example', '8 days 21 hours',
     'No flash during the vows, and please stay behind the last row for the processional. The rooftop is free for 20 minutes of sunset portraits before the grand entrance if you want it.'),
    ('Emma & Daniel: photography', 'lens@vendors.example', '8 days 19 hours',
     'Rooftop portraits, yes please! We''ll coordinate with the DJ so the couple is back for the grand entrance.'),
    ('Emma & Daniel: day-of staffing', 'priya@harborhall.example', '4 days',
     'Marco, Emma''s wedding: 110 plated, three entrees plus 4 kids'' meals. Daniel''s grandmother needs an aisle seat in row 1 and table 2 near the ramp.'),
    ('Emma & Daniel: day-of staffing', 'marco@harborhall.example', '3 days 22 hours',
     'On it: eight servers and three bartenders. If they go for halibut it''s roughly +$4 a plate from Harbor Fish; I''ll confirm once Emma decides.'),
    ('Emma & Daniel: day-of staffing', 'olivia@harborhall.example', '3 days 20 hours',
     'Thanks. If they swap, let''s not charge the full difference: they''ve already referred two couples to us.'),

    -- Wu Family Reunion
    ('Wu Family Reunion: holding the date', 'james.wu@example.com', '5 days 20 hours',
     'Hi Sam, thanks for sending the contract. We''re waiting on my aunt''s travel dates from Taipei; should know within the week. Can the hold last until then?'),
    ('Wu Family Reunion: holding the date', 'sam@harborhall.example', '5 days 18 hours',
     'Of course: the Garden Terrace is held for 14 days from when the contract went out, and the deposit is due in about a week to lock it in.'),
    ('Wu Family Reunion: holding the date', 'james.wu@example.com', '1 day 5 hours',
     'Good news, my aunt booked her flights! One more thing: we''ll have about 15 kids under 10. Could you add a kids'' menu? I submitted a request.'),
    ('Wu Family Reunion: holding the date', 'sam@harborhall.example', '1 day 1 hour',
     'Wonderful! Marco will price a kids'' plate (chicken tenders, plain noodles, fruit). Once you sign, I''ll book Tidewater''s site visit for the tent.'),

    -- Eli Johnson's Bar Mitzvah
    ('Eli''s bar mitzvah', 'ava.johnson@example.com', '10 days',
     'Hi Sam, Saltwater Kitchen confirmed the kosher-style menu. Could the teen lounge get its own music feed from the ballroom?'),
    ('Eli''s bar mitzvah', 'sam@harborhall.example', '9 days 21 hours',
     'Yes, Velvet Groove will run a second speaker feed to the Library Lounge. The teens eat there at 7pm while the adults have the first course.'),
    ('Eli''s bar mitzvah', 'ava.johnson@example.com', '4 days 3 hours',
     'Eli''s friends are begging for a photo booth in the teen lounge, so I put in a request. I''ll send the candle-lighting list soon.'),
    ('Eli''s bar mitzvah: portraits', 'sam@harborhall.example', '12 days',
     'Hi Theo, family portraits at 5pm in the ballroom before doors open at 6. Ava wants one shot with all four grandparents.'),
    ('Eli''s bar mitzvah: portraits', 'lens@vendors.example', '11 days 20 hours',
     'Great, we''ll arrive at 4:30 to set up lights. Can we shoot the candle-lighting from the stage side?'),
    ('Eli''s bar mitzvah: portraits', 'sam@harborhall.example', '11 days 18 hours',
     'Yes: stage left is yours, the DJ is stage right.'),
    ('Eli''s bar mitzvah: kitchen', 'marco@harborhall.example', '9 days',
     'Call notes with Rina at Saltwater Kitchen: prep kitchen from 1pm, they bring their own chafers, we supply plates and glassware. Desserts plated dairy-free.'),
    ('Eli''s bar mitzvah: kitchen', 'marco@harborhall.example', '2 days 6 hours',
     'Saltwater confirmed 12 staff on site; their names are with the front desk for credentials.'),

    -- Lumen Labs Annual Gala
    ('Annual gala: date hold', 'noah.patel@example.com', '11 days',
     'Sam, we''re planning our annual gala for about 200. Is the Grand Ballroom free on that date? Black tie optional: dinner, awards and dancing.'),
    ('Annual gala: date hold', 'sam@harborhall.example', '10 days 20 hours',
     'It is, and I''ve put a hold on it for you. A draft contract will be on your event page shortly, and I''ve penciled in a six-piece band from Velvet Groove.'),
    ('Annual gala: date hold', 'noah.patel@example.com', '4 days 6 hours',
     'Thanks! We''re waiting on CFO sign-off; I should have an answer within two weeks.'),
    ('Annual gala: date hold', 'sam@harborhall.example', '4 days 2 hours',
     'Sounds good. Heads up: we have another inquiry for that date, so I can hold it for you for two weeks.'),

    -- Martinez-Alvarez Rehearsal Dinner
    ('Rehearsal dinner inquiry', 'sofia.martinez@example.com', '3 days 2 hours',
     'Hi Priya! Could we do the rehearsal dinner the night before the wedding in the Library Lounge? About 45 people, something relaxed and Italian, and Mateo''s brother wants to show a slideshow.'),
    ('Rehearsal dinner inquiry', 'priya@harborhall.example', '2 days 23 hours',
     'We''d love to host it! The Library Lounge is free that night. I''ll send a proposal with a family-style Italian menu and a projector for the slideshow; booking it with the wedding takes 10% off the room.'),

    -- Sofia & Mateo's Wedding
    ('Sofia & Mateo: wedding planning', 'sofia.martinez@example.com', '25 days',
     'Hola Priya! We''d really like two lounge areas near the dance floor for our grandparents. Is that possible?'),
    ('Sofia & Mateo: wedding planning', 'priya@harborhall.example', '23 days',
     'I checked with Sam: with 17 rounds plus the dance floor, lounge groupings would block the service aisles. Instead we''ll reserve the two tables closest to the dance floor for the grandparents, with armchairs.'),
    ('Sofia & Mateo: wedding planning', 'sofia.martinez@example.com', '5 days 4 hours',
     'That works, thank you. My mom Lucia wants to join the menu tasting. Can we bring four people?'),
    ('Sofia & Mateo: wedding planning', 'priya@harborhall.example', '5 days 1 hour',
     'Absolutely, a tasting for four. Marco will send a few weekday-evening dates, and we''ll include the squash enchiladas for your vegan guests.'),
    ('Sofia & Mateo: florals', 'bloom@vendors.example', '6 days',
     'Hi Priya, mood board for Sofia''s wedding: marigold, terracotta roses and pampas, with tall gold candelabras alternating with low arrangements. Does the ballroom allow open flame in the candelabras?'),
    ('Sofia & Mateo: florals', 'priya@harborhall.example', '5 days 20 hours',
     'Open flame is fine inside glass sleeves; LED tapers are fine too. The centerpieces stay "proposed" until Sofia approves the quote.')
),
spans as (
    select subject, max(ago::interval) as first_ago, min(ago::interval) as last_ago
    from msg_src
    group by subject
),
new_threads as (
    insert into message_threads (venue_id, event_id, kind, vendor_id, subject, created_at, updated_at)
    select v.id, e.id, t.kind, vd.id, t.subject, now() - s.first_ago, now() - s.last_ago
    from thread_src t
    join spans s on s.subject = t.subject
    join venues v on v.name = 'Harbor Hall'
    join events e on e.venue_id = v.id and e.title = t.event_title
    left join vendors vd on vd.venue_id = v.id and vd.name = t.vendor_name
    order by s.first_ago desc
    returning id, subject
)
insert into messages (thread_id, author_id, body, created_at, updated_at)
select nt.id, u.id, m.body, now() - m.ago::interval, now() - m.ago::interval
from msg_src m
join new_threads nt on nt.subject = m.subject
join users u on u.email = m.author_email
order by m.ago::interval desc;

-- ---------------------------------------------------------------------------------------------
-- Scheduling: resources with weekly hours, appointment types, a few appointments
-- ---------------------------------------------------------------------------------------------

insert into resources (venue_id, kind, name, user_id, space_id)
select v.id, r.kind, r.name, u.id, s.id
from venues v
cross join (values
    ('staff', 'Sam Okafor', 'sam@harborhall.example', null),
    ('staff', 'Priya Natarajan', 'priya@harborhall.example', null),
    ('room', 'Tasting kitchen', null, null),
    ('room', 'Garden Terrace', null, 'Garden Terrace')
) as r(kind, name, email, space)
left join users u on u.email = r.email
left join spaces s on s.venue_id = v.id and s.name = r.space
where v.name = 'Harbor Hall';

-- Staff work Tuesday to Saturday, 10:00–18:00; the rooms are open every day, 09:00–21:00.
insert into resource_hours (resource_id, weekday, start_time, end_time)
select r.id, d.weekday, case when r.kind = 'staff' then time '10:00' else time '09:00' end,
       case when r.kind = 'staff' then time '18:00' else time '21:00' end
from resources r
cross join generate_series(1, 7) as d(weekday)
where (r.kind = 'staff' and d.weekday between 2 and 6) or r.kind = 'room';

insert into appointment_types (venue_id, name, description, duration_minutes, buffer_before_minutes,
                               buffer_after_minutes, min_notice_minutes, min_change_notice_minutes,
                               price_cents, clients_may_book)
select v.id, t.name, t.description, t.duration, t.before, t.after, t.notice, t.change_notice, t.price, t.clients
from venues v
cross join (values
    ('Venue tour', 'A walk through every space with one of our planners.', 45, 0, 15, 1440, 1440, 0, true),
    ('Menu tasting', 'Taste the menu you are considering, with our chef and a planner.', 90, 30, 30, 2880, 2880, 15000, true),
    ('Planning consultation', 'An hour with your planner: timeline, layout and open questions.', 60, 0, 15, 1440, 1440, 0, true),
    ('Vendor walk-through', 'Load-in, power and layout on site with a vendor.', 60, 15, 15, 720, 720, 0, false)
) as t(name, description, duration, before, after, notice, change_notice, price, clients)
where v.name = 'Harbor Hall';

insert into appointment_type_resources (type_id, resource_id)
select t.id, r.id
from appointment_types t
join resources r on r.venue_id = t.venue_id
where (t.name = 'Venue tour' and r.name = 'Sam Okafor')
   or (t.name = 'Menu tasting' and r.name in ('Priya Natarajan', 'Tasting kitchen'))
   or (t.name = 'Planning consultation' and r.name = 'Sam Okafor')
   or (t.name = 'Vendor walk-through' and r.name in ('Sam Okafor', 'Garden Terrace'));

-- Four weeks of model usage by the staff (so the owners' insights have something to show): the
-- embedded model, and a hosted one with a price. Never today: today's tokens are the daily quota's.
insert into model_prices (venue_id, model, prompt_cents_per_million, completion_cents_per_million)
select id, 'openai/gpt-4o-mini', 15, 60 from venues where name = 'Harbor Hall';

insert into llm_usage (venue_id, user_id, purpose, model, prompt_tokens, completion_tokens, created_at)
select m.venue_id, u.id, 'reply',
       case when (d + k) % 3 = 0 then 'openai/gpt-4o-mini' else 'embedded/smollm2-135m-instruct' end,
       400 + (d * 37 + k * 91) % 900, 60 + (d * 13 + k * 29) % 240,
       date_trunc('day', now()) - make_interval(days => d) + make_interval(hours => 9 + k * 2)
from users u
join memberships m on m.user_id = u.id
cross join generate_series(1, 27) d
cross join generate_series(1, 3) k
where u.email in ('olivia@harborhall.example', 'sam@harborhall.example', 'priya@harborhall.example')
  and (d + k + length(u.email)) % 4 <> 0;
