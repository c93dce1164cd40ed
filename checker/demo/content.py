"""The demo's words: eight fictional licensor (DCNF-like) newswire stories, three of a second licensor (a
nonprofit newsroom) and the partners' own articles.

Every person, organisation quoted and figure here is invented for the demo.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Story:
    key: str
    slug: str
    title: str
    dek: str  # one-sentence summary (feed <description>, partner standfirsts)
    authors: tuple[str, ...]
    section: str
    days_ago: int  # published this many days before the demo's "today"
    paragraphs: tuple[str, ...]


NOTICE = (
    "All content created by the Daily Caller News Foundation, an independent and nonpartisan newswire service, "
    "is available without charge to any legitimate news publisher that can provide a large audience. All "
    "republished articles must include our logo, our reporter\u2019s byline and their DCNF affiliation. For any "
    "questions about our guidelines or partnering with us, please contact licensing@dailycallernewsfoundation.org."
)

ORIGINALS: tuple[Story, ...] = (
    Story(
        key="O1", slug="interior-delays-gulf-lease-sale-judge-environmental-review",
        title="Interior Department Delays Gulf Lease Sale After Judge Faults Environmental Review",
        dek="A federal judge found the agency's review ignored the combined effects of decades of drilling.",
        authors=("Margaret Ellison",), section="Energy", days_ago=9,
        paragraphs=(
            "The Department of the Interior postponed a planned offshore oil and gas lease sale in the Gulf of "
            "Mexico after a federal judge found that the agency's environmental review did not weigh the combined "
            "effects of decades of drilling in the region.",
            "The Bureau of Ocean Energy Management said in a notice that it would not open bids until it completes "
            "a supplemental analysis, a process that officials estimated could take between six and nine months. "
            "The sale would have offered more than 1,200 unleased blocks off the coasts of Texas, Louisiana and "
            "Alabama.",
            "The ruling came in a lawsuit brought by a coalition of fishing cooperatives and coastal conservation "
            "groups, who argued that the bureau had copied large portions of an older review without updating its "
            "estimates of spill risk, vessel traffic and damage to wetlands.",
            "\u201cThe agency is reviewing the court\u2019s decision and will take the steps necessary to conduct a "
            "lawful sale,\u201d a department spokesperson said in a written statement. The spokesperson did not say "
            "whether the administration would appeal.",
            "Industry groups criticized the delay. A spokesperson for the Gulf Energy Producers Alliance told the "
            "Daily Caller News Foundation that the postponement would push back projects that support thousands of "
            "jobs along the coast and would leave the country more dependent on imported fuel.",
            "Lawmakers from both parties in the region urged the department to move quickly. Several members of the "
            "Louisiana delegation signed a letter asking the department to publish a new schedule within 30 days, "
            "saying that the uncertainty was already affecting investment decisions.",
            "Offshore production in federal waters accounts for roughly 15% of domestic crude output, according to "
            "federal energy statistics. Analysts said the delay would have little effect on prices in the short "
            "term because new leases typically take years to produce oil.",
        ),
    ),
    Story(
        key="O2", slug="three-states-scrap-teacher-licensing-exam",
        title="Three States Scrap Teacher Licensing Exam As Classroom Vacancies Mount",
        dek="Officials say a basic skills test kept qualified candidates out of classrooms.",
        authors=("Daniel Okafor",), section="Education", days_ago=8,
        paragraphs=(
            "Three states have dropped a longstanding teacher licensing exam from their certification "
            "requirements, betting that removing the test will help fill thousands of vacant classroom positions "
            "before the next school year begins.",
            "Education officials in the three states said the basic skills exam, which tests reading, writing and "
            "mathematics, kept otherwise qualified candidates out of classrooms without improving student "
            "outcomes. Candidates will still need a bachelor's degree, a background check and a subject-area test.",
            "The change follows a survey by a national association of school administrators that found more than "
            "40% of rural districts started the year with at least one unfilled teaching position, with special "
            "education, mathematics and science the hardest to staff.",
            "\u201cWe were losing good people over a single test score,\u201d said a deputy superintendent in one "
            "of the states, who described candidates who had passed their coursework and student teaching but "
            "failed the exam by a few points.",
            "Critics warned that the move could lower standards. The president of a teacher preparation "
            "accrediting group said in a statement that states should invest in tutoring for candidates rather "
            "than eliminating the benchmark altogether.",
            "Research on the exams is mixed. A study by university economists found modest links between scores "
            "and later classroom performance, while other analyses have found that the tests screen out a "
            "disproportionate share of career changers and older applicants.",
            "Lawmakers in at least five other states have introduced similar bills this session, according to a "
            "tracker maintained by a nonpartisan education policy center.",
        ),
    ),
    Story(
        key="O3", slug="rural-hospitals-brace-for-cuts-grant-program-expires",
        title="Rural Hospitals Brace For Cuts As Federal Grant Program Nears Expiration",
        dek="Small hospitals say the grants cover as much as a fifth of their operating costs.",
        authors=("Sof\u00eda Ram\u00edrez-Casta\u00f1o",), section="Health", days_ago=7,
        paragraphs=(
            "Dozens of rural hospitals are preparing to cut services or close maternity wards as a federal grant "
            "program that has propped up their finances for a decade approaches its expiration date without a "
            "renewal from Congress.",
            "The program provides flexible grants to hospitals with fewer than 50 beds that serve large shares of "
            "patients covered by Medicare and Medicaid. Hospital associations in nine states said the money covers "
            "as much as a fifth of operating costs at some facilities.",
            "Administrators described plans to reduce emergency room staffing overnight, suspend labor and delivery "
            "services and delay equipment purchases if the grants lapse. At least four hospitals have already "
            "notified state regulators that they may end inpatient care.",
            "\u201cWhen a rural hospital closes its birthing unit, mothers drive an hour or more to deliver,\u201d "
            "said the chief executive of a 25-bed hospital in the Great Plains. \u201cThat is not a theoretical "
            "risk for us. It is the next budget.\u201d",
            "A bipartisan group of senators introduced a bill to extend the program for five years, but the measure "
            "has not been scheduled for a committee vote. Budget analysts estimated an extension would cost about "
            "$1.4 billion over that period.",
            "Some policy experts have argued that the grants prop up facilities that would be better converted into "
            "outpatient clinics, a model that Medicare began funding recently. Supporters of the grants counter "
            "that conversion leaves communities without emergency surgery or inpatient beds.",
            "More than 140 rural hospitals have closed or stopped providing inpatient care since 2010, according to "
            "a research center at a public university that tracks closures.",
        ),
    ),
    Story(
        key="O4", slug="small-manufacturers-longest-hiring-slump",
        title="Small Manufacturers Report Longest Hiring Slump In Four Years",
        dek="Owners cite weak orders, high borrowing costs and uncertainty over tariffs.",
        authors=("Thomas Whitcombe",), section="Economy", days_ago=6,
        paragraphs=(
            "Small and midsize manufacturers have cut payrolls for seven straight months, the longest stretch of "
            "job losses in the sector in four years, according to a survey of factory owners released by a "
            "national trade group.",
            "The survey of more than 900 companies with fewer than 500 employees found that 38% planned to reduce "
            "headcount over the next quarter, while only 14% expected to add workers. Owners cited weak orders, "
            "high borrowing costs and uncertainty over tariffs on imported parts.",
            "\u201cOur customers are sitting on inventory and waiting to see what happens with rates,\u201d said "
            "the owner of a machine shop in Ohio that supplies parts to agricultural equipment makers. He said he "
            "had cut one shift and stopped filling positions left by retirees.",
            "The findings contrast with data for large manufacturers, which have held employment roughly steady as "
            "investment in new plants for batteries and semiconductors continues. Economists said the gap reflects "
            "easier access to credit and public subsidies for bigger firms.",
            "Factory employment overall has been flat over the past year, according to federal labor statistics, "
            "after a strong rebound from pandemic-era lows. Average weekly hours in manufacturing have also "
            "slipped, a sign that employers are trimming work before cutting jobs.",
            "The trade group urged lawmakers to restore full expensing of equipment purchases and to simplify "
            "export rules for small firms, saying that both measures would encourage owners to invest and hire.",
        ),
    ),
    Story(
        key="O5", slug="senate-panel-advances-app-store-age-verification-bill",
        title="Senate Panel Advances Bill Requiring Age Verification On App Stores",
        dek="The measure would put the verification duty on app store operators, not developers.",
        authors=("Rebecca Lindqvist", "Marcus Hale"), section="Technology", days_ago=5,
        paragraphs=(
            "A Senate committee advanced legislation that would require app store operators to verify the ages of "
            "their users and obtain a parent's consent before minors can download apps, setting up a possible "
            "floor vote later this year.",
            "The bill passed the Commerce Committee by a vote of 19 to 9, with members of both parties supporting "
            "it. It would place the verification duty on the companies that run app stores rather than on "
            "individual app developers, an approach that several states have adopted in recent months.",
            "Supporters said the measure would give parents a single place to manage their children's access to "
            "social media, games and messaging services. \u201cParents should not have to fight a hundred "
            "different apps one at a time,\u201d one of the bill's sponsors said during the committee's markup.",
            "Technology companies are divided on the proposal. Some social media firms have backed it, arguing "
            "that app stores already collect payment information and can verify age more reliably. The largest app "
            "store operators have opposed it, warning that it would require collecting sensitive identity "
            "documents from millions of adults.",
            "Civil liberties groups also raised concerns. A lawyer for a digital rights organization said the bill "
            "would make anonymous access to lawful information harder for adults and could be challenged in court "
            "on free speech grounds.",
            "Several amendments were adopted during the markup, including one that would bar app stores from using "
            "age verification data for advertising and another that would require the Federal Trade Commission to "
            "issue rules on acceptable verification methods within a year.",
            "A companion bill has been introduced in the House, but it has not yet received a hearing.",
        ),
    ),
    Story(
        key="O6", slug="drought-forces-cattle-ranchers-to-sell-herds-early",
        title="Drought Forces Cattle Ranchers To Sell Herds Early As Pastures Dry Up",
        dek="Auctions across the southern Plains report unusually heavy sales of breeding cows.",
        authors=("Caleb Brandt",), section="Agriculture", days_ago=4,
        paragraphs=(
            "Cattle ranchers across the southern Plains are selling animals months ahead of schedule as a second "
            "year of drought leaves pastures bare and hay prices at record levels, according to ranchers, auction "
            "operators and agricultural economists.",
            "Livestock auctions in Oklahoma, Kansas and the Texas Panhandle reported sales volumes well above normal "
            "for the season, with a growing share of breeding cows in the mix. Selling breeding stock is a sign "
            "that ranchers expect the dry conditions to last, economists said.",
            "\u201cYou sell the calves first, then you start looking at the cows, and that is when you know it is "
            "bad,\u201d said a third-generation rancher in western Oklahoma who said he had sold nearly half of his "
            "herd since spring.",
            "The national cattle herd is already at its smallest size in more than seven decades, according to "
            "federal agriculture data. Further liquidation could keep beef prices high for years, because it takes "
            "roughly two years to raise a replacement heifer to calving age.",
            "The Agriculture Department has designated dozens of counties in the region as primary natural "
            "disaster areas, making ranchers eligible for emergency loans. Ranchers told the Daily Caller News "
            "Foundation that the loans help with cash flow but do not replace lost grazing.",
            "Hay that sold for about $120 a ton two years ago now costs more than $250 a ton delivered in parts of "
            "the region, auction operators said, and some ranchers are trucking feed from as far away as Montana.",
        ),
    ),
    Story(
        key="O7", slug="border-county-sheriffs-ask-congress-to-repay-jail-costs",
        title="Border County Sheriffs Ask Congress To Repay Jail Costs",
        dek="Sheriffs say federal reimbursements cover less than a tenth of what their jails spend.",
        authors=("Jonah Whitfield",), section="Immigration", days_ago=3,
        paragraphs=(
            "Sheriffs from a dozen counties along the southern border asked Congress to restore a federal program "
            "that reimburses local jails for holding people charged with crimes who are in the country illegally, "
            "saying the costs are straining county budgets.",
            "In a letter to House and Senate appropriators, the sheriffs said their jails spent a combined $86 "
            "million last year detaining such inmates, and that federal reimbursements covered less than a tenth "
            "of that amount. The program has received little or no funding in several recent budgets.",
            "\u201cOur taxpayers are covering a federal responsibility,\u201d said the sheriff of a rural county in "
            "Arizona whose jail has 120 beds. He said his office had postponed hiring detention officers and "
            "repairing a failing roof to cover the cost of housing inmates.",
            "The reimbursement program, created in 1994, pays states and localities part of the cost of "
            "incarcerating certain noncitizens convicted of or charged with serious crimes. Administrations of "
            "both parties have proposed eliminating it, arguing that the payments are small and poorly targeted.",
            "The sheriffs also asked for grants to expand jail medical units and for faster processing of detainer "
            "requests by federal immigration authorities, which they said often leave inmates in county custody "
            "for weeks after local charges are resolved.",
            "A spokesman for the House Appropriations Committee said members would review the request as they "
            "draft next year's spending bill for the Justice Department.",
        ),
    ),
    Story(
        key="O8", slug="transit-agencies-face-budget-gaps-as-pandemic-aid-runs-out",
        title="Transit Agencies Face Budget Gaps As Pandemic Aid Runs Out",
        dek="Systems in a dozen metro areas propose fare increases and deep service cuts.",
        authors=("Eleanor Vance",), section="Transportation", days_ago=2,
        paragraphs=(
            "Public transit agencies in at least a dozen large metropolitan areas are warning of service cuts and "
            "fare increases as the last of their federal pandemic relief money runs out and ridership remains "
            "below pre-2020 levels.",
            "Agency budgets reviewed by transit officials show combined shortfalls of more than $5 billion over "
            "the next two years. Several systems have proposed cutting weekend rail service, closing lightly used "
            "stations and eliminating dozens of bus routes.",
            "Ridership on buses and trains has recovered to roughly 80% of its pre-pandemic level nationally, "
            "according to an industry association, but the return has been uneven. Weekday commuter ridership has "
            "lagged as many office workers continue to work from home part of the week.",
            "\u201cWe built a system around five days a week downtown, and that world is not coming back in "
            "full,\u201d the general manager of a West Coast transit agency told his board at a recent budget "
            "hearing.",
            "Some state legislatures have stepped in with new funding. Others have pressed agencies to cut "
            "administrative costs before asking for more money, pointing to overtime spending and construction "
            "projects that ran far over budget.",
            "Riders' groups warned that service cuts could push agencies into a spiral in which fewer trains lead "
            "to fewer riders and deeper deficits. Advocates said cuts would fall hardest on workers without cars "
            "who rely on buses to reach jobs outside downtown.",
            "Federal lawmakers have shown little interest in another round of emergency aid, though a bipartisan "
            "group has proposed letting agencies use capital grants for some operating costs.",
        ),
    ),
)

# The second licensor: a fictional nonprofit newsroom, The Harbor Ledger, whose articles are republished
# under Creative Commons BY-ND-style terms (rules/cc-by-nd-newsroom): byline with the licensor, a credit
# line linking to the original, the tracking pixel, and the text unedited.
HARBOR_ORIGINALS: tuple[Story, ...] = (
    Story(
        key="H1", slug="port-authority-delays-harbor-dredging-as-costs-climb",
        title="Port Authority Delays Harbor Dredging As Costs Climb",
        dek="Bids came in nearly 40 percent above the estimate, and the board will reopen the contract in the fall.",
        authors=("Ada Lin",), section="Environment", days_ago=4,
        paragraphs=(
            "The regional port authority on Tuesday postponed a long-planned dredging project in the outer "
            "harbor, saying bids had come in nearly 40 percent above its estimate.",
            "Board members voted 5 to 2 to reopen the contract for bidding in the fall. The project would deepen "
            "the shipping channel to 50 feet so that larger container ships could reach the terminal at high tide.",
            "Shipping companies have warned that the delay could push some cargo to rival ports along the coast. "
            "A spokesperson for one carrier said the company would review its schedules for next year.",
            "The authority said the new bids would include an option to phase the work over three winters, when "
            "fewer fishing boats use the channel and the herring run is over.",
            "Environmental groups, which had asked for a longer study of where the dredged silt would be dumped, "
            "welcomed the pause and said they would press the board to reconsider an inland disposal site.",
        ),
    ),
    Story(
        key="H2", slug="shellfish-beds-reopen-after-summer-closure",
        title="Shellfish Beds Reopen After Summer Closure",
        dek="State testing found bacteria levels back within limits at all but two of the bay's harvesting areas.",
        authors=("Tomas Reyes",), section="Environment", days_ago=6,
        paragraphs=(
            "State regulators reopened most of the bay's shellfish beds on Friday, ending a closure that kept "
            "clam and oyster harvesters off the water for seven weeks during the hottest stretch of the summer.",
            "Weekly samples taken since late August showed bacteria levels back within federal limits at 14 of "
            "the 16 harvesting areas, the Department of Marine Resources said in a notice to license holders.",
            "The two areas that remain closed sit near the mouth of Mill Creek, where a failed pump station "
            "released untreated sewage twice in July. The town has since replaced the pump and added an alarm.",
            "Harvesters said the closure cost many of them a third of their yearly income. About 300 people hold "
            "commercial shellfish licenses in the county, most of them working alone from small skiffs.",
            "The department said it would keep testing the reopened beds every week until the end of October "
            "and would close any area again within a day if a sample came back above the limit.",
        ),
    ),
    Story(
        key="H3", slug="ferry-riders-face-longer-waits-as-crew-shortage-persists",
        title="Ferry Riders Face Longer Waits As Crew Shortage Persists",
        dek="The island route will run one boat instead of two on weekdays until at least January.",
        authors=("Ada Lin", "Priya Natarajan"), section="Transportation", days_ago=2,
        paragraphs=(
            "Riders on the island ferry will wait up to two hours between sailings on weekdays this fall after "
            "the operator said it could not hire enough licensed deckhands to run a second boat.",
            "The ferry service said it had 11 open crew positions and had lost six experienced mates to "
            "higher-paying jobs on tugboats and offshore supply vessels since the spring.",
            "Island residents who commute to jobs on the mainland said the reduced schedule would force some "
            "of them to leave home before 5 a.m. Several said they were considering moving off the island.",
            "The operator said it would raise starting pay by 12 percent and pay for the maritime training "
            "course that new deckhands must pass, a cost that had kept many applicants away.",
            "A second boat will return to the weekday schedule once at least eight new crew members finish "
            "training, which the operator expects to happen in January at the earliest.",
        ),
    ),
)

BY_KEY = {s.key: s for s in ORIGINALS + HARBOR_ORIGINALS}

# The partners' own journalism: not copies of any original (some mention the DCNF in passing).
OWN: dict[str, Story] = {s.key: s for s in (
    Story(
        key="library-hours", slug="town-council-approves-longer-library-hours",
        title="Town Council Approves Longer Library Hours",
        dek="The main branch will stay open until 9 p.m. on weeknights starting next month.",
        authors=("Jenna Morrow",), section="Local", days_ago=6,
        paragraphs=(
            "The Millbrook Town Council voted 5-2 to extend weeknight hours at the public library's main branch, "
            "answering a petition signed by more than 600 residents who said the building closed before many "
            "working parents could get there.",
            "Starting next month the branch on Elm Street will stay open until 9 p.m. Monday through Thursday. "
            "Library director Ruth Kessler said the change will cost about $48,000 a year, most of it for two "
            "part-time circulation clerks.",
            "Council member Dale Pruett, who voted no, said he supported the idea but wanted the money to come from "
            "the library's reserve fund rather than the town's general budget. \u201cI'd like to see the numbers "
            "after six months,\u201d he said.",
            "Kessler said the library would track evening visits and report back to the council in the spring. "
            "The homework help desk will also move to evenings, she said.",
        ),
    ),
    Story(
        key="newswire-partnership", slug="ledger-adds-statehouse-and-washington-coverage",
        title="A Note To Readers: The Ledger Adds Washington Coverage Through A Newswire Partnership",
        dek="Why you will see stories from a national nonprofit newswire on our pages.",
        authors=("Paul Henning",), section="From the Editor", days_ago=10,
        paragraphs=(
            "Starting this month, readers of the Ledger will see more stories about Congress, federal agencies and "
            "national policy alongside our local reporting. We have joined the republication program of the Daily "
            "Caller News Foundation, a nonprofit newswire that offers its stories to publishers free of charge.",
            "Our newsroom of six reporters cannot cover Washington, and we would rather spend our time at county "
            "commission meetings and high school football games. The newswire fills a gap without costing our "
            "subscribers anything.",
            "Every story we run from the program will carry the reporter's name, the newswire's name and its logo, "
            "as the license requires, so you will always know who wrote what you are reading.",
            "As always, if you have questions about a story, or about how we choose what to publish, my door and "
            "my inbox are open.",
        ),
    ),
    Story(
        key="county-fair", slug="county-fair-returns-with-expanded-livestock-show",
        title="County Fair Returns With Expanded Livestock Show",
        dek="Organizers added a second show barn and a youth auction on Saturday.",
        authors=("Dana Whitlock",), section="Community", days_ago=5,
        paragraphs=(
            "The Mercer County Fair opens its gates next week with a second show barn, a bigger youth livestock "
            "auction and a carnival midway that organizers say is the largest the fairgrounds has hosted.",
            "Fair board president Linda Haskins said entries in the 4-H and FFA livestock shows are up nearly a "
            "third from last year, which forced the board to rent tents while a permanent barn is planned.",
            "The youth auction moves to Saturday afternoon so that more buyers can attend. Last year the auction "
            "raised $212,000 for young exhibitors, Haskins said.",
            "Gate admission stays at $8 for adults, with children under 10 admitted free. Parking will again be "
            "available at the high school with a shuttle running every 15 minutes.",
        ),
    ),
    Story(
        key="four-day-week", slug="school-board-weighs-four-day-week-to-attract-teachers",
        title="School Board Weighs Four-Day Week To Attract Teachers",
        dek="The district has eleven open teaching jobs; some board members see the schedule as a recruiting tool.",
        authors=("Luis Ortega",), section="Education", days_ago=4,
        paragraphs=(
            "The Valley Unified school board heard a proposal to move its elementary schools to a four-day week, "
            "an idea that district leaders say could help fill eleven teaching jobs that have been open since "
            "August.",
            "Superintendent Carla Benton told the board that neighboring districts that adopted the shorter week "
            "had fewer vacancies, though she cautioned that the evidence on student achievement was limited.",
            "Board members noted that several states have recently loosened licensing rules to widen the pool of "
            "candidates, a trend the Daily Caller News Foundation reported on last week, but said local pay and "
            "housing costs remained the bigger obstacles.",
            "Parents who spoke at the meeting were split. Several worried about child care on the fifth day, while "
            "teachers in the audience applauded the idea. The board plans a survey of families before voting.",
        ),
    ),
    Story(
        key="editorial-newswire", slug="why-we-publish-newswire-stories-and-how-we-credit-them",
        title="Editorial: Why We Publish Newswire Stories, And How We Credit Them",
        dek="Readers asked why national stories appear on a community site. Here is our answer.",
        authors=("The Civic Review Editorial Board",), section="Opinion", days_ago=9,
        paragraphs=(
            "Several readers have written to ask why stories from national newswires now appear on the Civic "
            "Review. The short answer is that they let us tell you what Washington is doing without pulling our "
            "two reporters off the city council beat.",
            "Some of those stories come from the Daily Caller News Foundation, which lets publishers republish its "
            "work at no charge as long as the republished article includes the foundation's logo, the reporter's "
            "byline and the reporter's affiliation with the foundation. We think those are fair terms.",
            "We do not edit newswire stories for content. We do write our own headlines for some of them and we "
            "add local context in a separate note when a national story touches our county.",
            "If you ever see a story on our site without a clear credit, tell us. Getting credit right is part of "
            "getting the news right.",
        ),
    ),
    Story(
        key="riverfront-towers", slug="planning-commission-delays-vote-on-riverfront-towers",
        title="Planning Commission Delays Vote On Riverfront Towers",
        dek="Commissioners asked the developer for a new traffic study before deciding.",
        authors=("Grace Liu",), section="City Hall", days_ago=3,
        paragraphs=(
            "The city Planning Commission postponed its vote on two residential towers proposed for the old "
            "grain elevator site on the riverfront, asking the developer for a new traffic study and more detail "
            "about flood protection.",
            "The project by Harborline Partners would add 340 apartments in buildings of 14 and 18 stories, with "
            "ground-floor shops and a public river walk. Neighbors packed the hearing, most of them opposed to the "
            "height of the towers.",
            "\u201cWe want housing downtown, but not a wall between the neighborhood and the river,\u201d said "
            "Teresa Valdez, who has lived on Front Street for thirty years.",
            "A company representative said the firm would return with revised plans in two months. The commission's "
            "recommendation will go to the city council, which has the final say.",
        ),
    ),
    Story(
        key="letters-transit", slug="letters-readers-weigh-in-on-bus-route-cuts",
        title="Letters: Readers Weigh In On Proposed Bus Route Cuts",
        dek="Riders, a driver and a downtown business owner write about the transit authority's budget.",
        authors=("Civic Review Readers",), section="Opinion", days_ago=1,
        paragraphs=(
            "To the editor: The transit authority wants to cut the Route 9 bus that I take to my job at the "
            "hospital. There is no other way for me to get there before six in the morning. Cutting night and "
            "early routes punishes the people who have no other choice. \u2014 Marisol Greene, East Side",
            "To the editor: As a bus driver for nineteen years I can tell you that empty buses at noon are not the "
            "whole story. Our crowded routes are crowded because the schedule is thin, not because nobody rides. "
            "\u2014 Ray Delacroix",
            "To the editor: Downtown shops depend on the Saturday express from the park-and-ride lots. If the "
            "authority must cut, it should start with the administrative budget, not weekend service. "
            "\u2014 Helen Park, owner, Park's Hardware",
        ),
    ),
    Story(
        key="county-almanac", slug="the-lost-art-of-the-county-almanac",
        title="The Lost Art Of The County Almanac",
        dek="Before apps and search engines, a small book told farm families when to plant, what to pay and who had died.",
        authors=("Miriam Sato",), section="Culture", days_ago=8,
        paragraphs=(
            "In the attic of a farmhouse outside Carthage, Missouri, there is a shelf of thin paper books with "
            "cracked spines, one for every year from 1921 to 1978. They are county almanacs, and for most of the "
            "last century they were as common in rural kitchens as the family Bible.",
            "Each edition held frost dates and planting tables, the names of county officials, livestock prices "
            "from the last auction of the year, a list of the dead and a few pages of jokes that would not survive "
            "an editor today. Printers sold advertising to feed stores and banks to pay for them.",
            "\u201cMy grandmother used it like a calendar, a phone book and a newspaper archive all in one,\u201d "
            "said Ellen Ruark, who inherited the shelf. \u201cShe wrote in the margins when the creek flooded.\u201d",
            "The almanacs faded as farm bureaus started mailing newsletters and television brought daily weather. "
            "A handful of county historical societies now scan the surviving copies, which turn out to be a record "
            "of rural life that no one set out to keep.",
            "The scanned pages show a slow story of change: tractors replacing mules in the advertisements, the "
            "first listing of a hospital in the county seat, and, in the 1950s, a sudden shortage of names in the "
            "school rolls as families moved to town.",
        ),
    ),
    Story(
        key="ranchers-ledger", slug="a-ranchers-ledger-notes-from-the-second-dry-year",
        title="A Rancher's Ledger: Notes From The Second Dry Year",
        dek="An Oklahoma rancher on selling cows he spent twenty years breeding.",
        authors=("Walt Pruitt",), section="Essays", days_ago=3,
        paragraphs=(
            "I sold forty-one cows on a Tuesday in a sale barn that smelled the way it did when my father took me "
            "there in 1979. The auctioneer was the son of the man who sold our first heifers. Nobody said much.",
            "The Daily Caller News Foundation reported this week that sale barns across the southern Plains are "
            "seeing breeding cows come through in numbers nobody wants to see. I can tell you what that looks like "
            "from the other side of the ring: a man doing arithmetic with hay prices he cannot change.",
            "We kept the best twenty. If it rains in March we will have calves to show for it, and I will start "
            "the slow business of building back. If it does not rain, I will be back at that sale barn.",
            "My wife says I should write down what this year was like so our grandchildren know. This is the first "
            "page.",
        ),
    ),
    Story(
        key="harvest-supper", slug="harvest-supper-returns-to-the-grange-hall",
        title="Harvest Supper Returns To The Grange Hall",
        dek="Chicken and noodles, pie auction, and a square dance after.",
        authors=("Nora Lindgren",), section="Around Town", days_ago=5,
        paragraphs=(
            "The Willow Creek Grange will hold its harvest supper on the second Saturday of the month, the first "
            "since the hall's roof was replaced last spring.",
            "Supper is chicken and noodles with mashed potatoes, green beans and homemade rolls, served from 5 to "
            "7 p.m. A free-will offering goes to the roof fund. The pie auction starts at 7:30.",
            "Caller Jim Aldous will lead a square dance after the auction. Beginners are welcome and the first "
            "dances will be walked through slowly, organizers said.",
        ),
    ),
)}
