"""Demo stories for US News, Politics and Business (all fictional)."""

from __future__ import annotations

from broadsheet.demo.content import DemoStory as S

STORIES: tuple[S, ...] = (
    # ---- US News -------------------------------------------------------------------------
    S(
        "us-news",
        "Port Alder braces as national rail strike deadline nears",
        "Freight yards on the Tideflats could fall silent by Friday, and shippers are already "
        "rerouting containers to trucks.",
        "amos-kettleby",
        "Transit, Jobs, Harbour",
        5,
        "The freight yards on the Tideflats handle a third of the region's rail cargo.",
        "With a national rail strike deadline two days away, managers at the Tideflats freight "
        "yards have begun moving priority containers onto trucks, a costly precaution that "
        "shippers say they cannot keep up for long.\n\n"
        "The yards move about 1,400 containers a day between the harbour and inland "
        "warehouses. A stoppage would leave ships unloading into a terminal with nowhere to put "
        "the boxes.\n\n"
        "> We have room for four days of cargo, maybe five. After that the cranes stop, "
        "because there is nowhere left to set anything down. — Dana Kowalczyk, terminal "
        "operations manager\n\n"
        "Union members in Port Alder said they supported the national negotiators but hoped a "
        "deal would come before Friday. Many have worked through two previous near-strikes.\n\n"
        "City officials said commuter trains, which run on separate tracks, would not be "
        'affected. Mayor Ruth Adebayo urged both sides to "remember the people at the end of '
        'the line".',
    ),
    S(
        "us-news",
        "Heat wave sends record crowds to Saltmarsh cooling centres",
        "Libraries and community halls stayed open late as temperatures topped 100 degrees for a third day.",
        "amos-kettleby",
        "Climate, Health, Saltmarsh",
        30,
        "A volunteer hands out water outside the Saltmarsh branch library.",
        "Port Alder's cooling centres recorded more than 3,000 visits over the weekend, the "
        "highest number since the city opened them eight years ago, as a heat wave stretching "
        "across the western states settled over the harbour.\n\n"
        "The Saltmarsh branch library, which has no air conditioning upstairs, turned its "
        "ground-floor reading room into a cots-and-water station. Staff stayed until midnight "
        "on Saturday.\n\n"
        "> People came for the cold air and stayed for the crossword. We ran out of pencils "
        "before we ran out of water. — Librarian Tomasz Reyes\n\n"
        "The National Weather Service expects a sea breeze to bring relief by Wednesday. Until "
        "then the city has extended bus service to the centres and asked residents to check on "
        "older neighbours twice a day.",
    ),
    S(
        "us-news",
        "Federal grant will replace lead pipes in 4,000 Port Alder homes",
        "The money covers the oldest neighbourhoods first, starting in Ferrybridge next spring.",
        "amos-kettleby",
        "Housing, Health, Ferrybridge",
        160,
        "Crews test a service line on Canal Street in Ferrybridge.",
        "Port Alder will receive $38 million in federal infrastructure money to replace lead "
        "water service lines, the city's utilities department announced on Monday.\n\n"
        "The grant covers about 4,000 homes, most of them built before 1940 in Ferrybridge, "
        "Kestrel Hill and the Old Customs Quarter. Work starts in Ferrybridge in April and "
        "should take three years.\n\n"
        "Homeowners will not be charged for the replacement. Renters will be notified by their "
        "landlords and by letters from the city, in English, Spanish and Vietnamese.\n\n"
        "> For decades we told people to run the tap for thirty seconds. Now we can actually "
        "fix it. — Utilities director Imani Boateng\n\n"
        "The city estimates another 2,500 lead lines remain unmapped and is asking residents to "
        "photograph the pipe where it enters their basement and upload the picture to the "
        "utilities website.",
    ),
    S(
        "us-news",
        "Census revision shows Port Alder grew faster than thought",
        "A recount of new apartment buildings adds almost 9,000 residents to the city's official population.",
        "amos-kettleby",
        "Housing, Port Alder City Council, Data",
        410,
        "New apartment towers along the Larchmont waterfront.",
        "Port Alder is bigger than the federal government thought. A revision released this week "
        "raises the city's population to 612,400, an increase of almost 9,000 over the previous "
        "estimate.\n\n"
        "The change comes after city planners challenged the count, arguing that dozens of "
        "apartment buildings completed along the Larchmont waterfront had been missed.\n\n"
        "The new figure matters beyond bragging rights: federal formulas for transit, school and "
        "health funding rely on population counts, and the city expects several million dollars "
        "more a year as a result.\n\n"
        "> Every one of those people rides a bus, sends a child to school or visits a clinic. "
        "Now they count. — Planning director Ana Sørensen",
    ),
    S(
        "us-news",
        "Coast Guard rescues six after fishing boat founders off Gull Point",
        "All six crew members of the Margaret Rose were pulled from the water in rough seas before dawn.",
        "amos-kettleby",
        "Harbour, Ocean",
        700,
        "The Coast Guard cutter Alder returns to the harbour after the rescue.",
        "Six fishermen were rescued early Sunday after their boat, the Margaret Rose, took on "
        "water and sank eleven miles off Gull Point.\n\n"
        "A Coast Guard helicopter lifted four of the crew from a life raft; a cutter picked up "
        "the other two, who had been in the water for nearly an hour wearing survival suits.\n\n"
        "> The suits saved them. Cold water kills faster than people think, and those men did "
        "everything right. — Petty Officer Lina Haddad\n\n"
        "The boat's owner, Walt Brennan, said the crew had been hauling crab pots when a wave "
        "broke over the stern. The Coast Guard is investigating. All six men were treated for "
        "mild hypothermia and released.",
    ),
    S(
        "us-news",
        "Port Alder schools join national pilot on later start times",
        "High schools will start at 8:45 from next autumn, in a study of sleep and attendance.",
        "amos-kettleby",
        "Education, Health",
        1100,
        "Students arrive at Harbourview High School.",
        "Port Alder's five public high schools will start classes 55 minutes later next "
        "autumn as part of a national study on teenagers' sleep.\n\n"
        "The district is one of twelve across the country chosen for the three-year pilot, "
        "which will compare attendance, grades and sports injuries with schools that keep "
        "early bells.\n\n"
        "> Teenagers are not lazy. Their body clocks really do run late, and we have been "
        "scheduling against biology. — Dr. Helen Achterberg, study lead\n\n"
        "Bus routes will be redrawn over the summer. Some parents worry about after-school jobs "
        "and sports practice finishing in the dark, and the district has promised to publish a "
        "revised activities schedule by March.",
    ),
    # ---- Politics ------------------------------------------------------------------------
    S(
        "politics",
        "Council passes $2.1 billion budget after all-night session",
        "A last-minute deal restored library hours but delayed the second phase of the harbour tram.",
        "odessa-finch",
        "Port Alder City Council, Budget, Mayor Ruth Adebayo, Transit",
        3,
        "Council members vote shortly after 5 a.m. on Thursday.",
        "Port Alder City Council approved a $2.1 billion budget just after 5 a.m. on Thursday, "
        "ending a fourteen-hour session that began with a packed public gallery and finished "
        "with a handful of reporters and a night janitor.\n\n"
        "The final vote was 7 to 4. The deal restored Sunday hours at all nineteen branch "
        "libraries, paid for by pushing back the second phase of the harbour tram by a year.\n\n"
        "> Nobody got everything. That is how you know it is a budget and not a wish list. — "
        "Council President Gil Moranis\n\n"
        "Mayor Ruth Adebayo, who had proposed cutting library hours to protect the tram "
        'schedule, said she would sign the budget. "The council heard the people in that '
        'gallery," she said. "So did I."\n\n'
        "Opponents argued the delay would raise construction costs. The city's own estimate "
        "puts the extra cost at $14 million.",
        figure="The public gallery was full when the session began at 3 p.m.",
    ),
    S(
        "politics",
        "Mayor Adebayo announces bid for second term",
        "The mayor pointed to the ferry expansion and falling crime, while rivals focused on housing costs.",
        "odessa-finch",
        "Mayor Ruth Adebayo, Elections, Housing",
        52,
        "Mayor Ruth Adebayo speaks at the Ferrybridge terminal.",
        "Mayor Ruth Adebayo announced on Tuesday that she will seek a second term, speaking "
        "from the Ferrybridge terminal where new electric ferries began service last year.\n\n"
        "Adebayo, a former harbour pilot, pointed to a 12 percent drop in reported burglaries "
        "and the ferry expansion as signs of progress.\n\n"
        "> Four years ago people said the ferries were a fantasy. This morning eleven thousand "
        "people rode them to work. — Mayor Ruth Adebayo\n\n"
        "Her likely challengers, Councillor Desmond Achebe and businesswoman Carla Montague, "
        "say the mayor has failed on housing. Median rent in Port Alder has risen 31 percent "
        "during her term.\n\n"
        "The primary is in August. Candidates have until May to file.",
    ),
    S(
        "politics",
        "Rent stabilisation measure qualifies for November ballot",
        "Tenant groups gathered 41,000 signatures; landlords promise a well-funded campaign against it.",
        "odessa-finch",
        "Housing, Elections, Port Alder City Council",
        260,
        "Volunteers count petition boxes at the city clerk's office.",
        "A measure that would cap annual rent increases in Port Alder at 5 percent will appear "
        "on the November ballot, the city clerk confirmed on Friday.\n\n"
        "The Port Alder Tenants Union gathered about 41,000 valid signatures, well over the "
        "28,000 required. The cap would apply to buildings older than fifteen years.\n\n"
        "> People are not asking for free housing. They are asking to know what next year will "
        "cost. — Marisol Trent, Tenants Union organiser\n\n"
        "The Harbour Property Owners Association said the cap would discourage new construction "
        "and maintenance, and pledged to campaign against it. Similar measures have passed in "
        "two other cities in the state in the last five years.",
    ),
    S(
        "politics",
        "Ethics board fines councillor over undisclosed shipyard shares",
        "Councillor Vern Haldane voted on a shipyard lease while holding stock in the company.",
        "odessa-finch",
        "Port Alder City Council, Ethics, Harbour",
        520,
        "The ethics board meets in Room 300 of City Hall.",
        "The Port Alder Ethics Board fined Councillor Vern Haldane $6,500 on Wednesday for "
        "failing to disclose shares in Northgate Shipbuilding before voting on a lease that "
        "benefited the company.\n\n"
        "The board found that Haldane held about $40,000 of Northgate stock when the council "
        "approved a twenty-year lease of Pier 9 last spring.\n\n"
        "> I made a mistake on a form. I did not make a decision for my own benefit. — "
        "Councillor Vern Haldane\n\n"
        "Board members were unconvinced that the omission was accidental but found no evidence "
        "that the vote changed the outcome; the lease passed 9 to 2. Haldane has since sold the "
        "shares. The board recommended that the council require electronic disclosures.",
    ),
    S(
        "politics",
        "Voters will decide whether to move city elections to even years",
        "Supporters say turnout would double; critics say local races would drown in national noise.",
        "odessa-finch",
        "Elections, Port Alder City Council",
        880,
        "An empty polling station at the Kestrel Hill community centre.",
        "Port Alder voters will decide in November whether to move city elections to even "
        "years, when they would coincide with state and national races.\n\n"
        "Turnout in the last mayoral election was 23 percent. In the presidential election a "
        "year later, 71 percent of the city's registered voters cast a ballot.\n\n"
        "> A mayor chosen by a fifth of the city is governing on a thin mandate. — Professor "
        "Yusuf Barlow, Alder Bay University\n\n"
        "Opponents, including two former mayors, argue that city issues would be buried at the "
        "bottom of long ballots. If approved, the change would lengthen the current mayor's "
        "term by one year.",
    ),
    S(
        "politics",
        "City hall opens its meetings to live captions in five languages",
        "The pilot uses human interpreters for Spanish and Vietnamese and automatic captions for "
        "three other languages.",
        "odessa-finch",
        "Port Alder City Council, Open Government",
        1300,
        "The council chamber's new caption screens.",
        "Council meetings in Port Alder are now captioned live in English, Spanish, "
        "Vietnamese, Tagalog and Chinese, part of a pilot that city officials hope will bring "
        "more residents into local decisions.\n\n"
        "Human interpreters handle Spanish and Vietnamese, the city's two most common languages "
        "after English. The other captions are produced automatically and checked afterwards.\n\n"
        "> My mother has lived here for thirty years and watched her first council meeting "
        "last week. — Resident Linh Tran\n\n"
        "The pilot costs $180,000 a year. The clerk's office will report on viewer numbers "
        "and accuracy after six months.",
    ),
    # ---- Business ------------------------------------------------------------------------
    S(
        "business",
        "Harbour container volumes rise as China trade rebounds",
        "Imports through Port Alder rose 14 percent in the quarter, led by electronics and furniture.",
        "tobias-wren",
        "Harbour, Trade, China, Jobs",
        8,
        "Cranes at the Northgate container terminal.",
        "Container traffic through the Port of Port Alder rose 14 percent in the third quarter, "
        "the port authority said on Monday, as shipments from China and Vietnam recovered from "
        "last year's slump.\n\n"
        "Electronics and furniture led the increase. Exports, mostly timber, grain and "
        "recycled paper, rose a more modest 4 percent.\n\n"
        "> The ships are full again. The question is whether the warehouses behind the port "
        "can keep up. — Port director Samuel Okafor\n\n"
        "Longshore employment reached its highest level in a decade, with about 3,900 workers "
        "registered at the hiring hall. The port expects to finish dredging the north channel "
        "next year, which will let it take the largest container ships now sailing from "
        "China.",
    ),
    S(
        "business",
        "Alder Bay start-up raises $40 million to make cement without coal",
        "Greystone Materials says its kiln runs on electricity and cuts emissions by 70 percent.",
        "tobias-wren",
        "Start-ups, Climate, Jobs",
        96,
        "A test kiln at Greystone Materials' Tideflats plant.",
        "Greystone Materials, a four-year-old company spun out of Alder Bay University, has "
        "raised $40 million to build its first commercial plant on the Tideflats.\n\n"
        "The company heats limestone in an electric kiln instead of burning coal, and says its "
        "process cuts the emissions of cement production by about 70 percent.\n\n"
        "> Cement is the grey stuff nobody thinks about, and it is eight percent of the world's "
        "carbon dioxide. We think about it all day. — Chief executive Noor Haddad\n\n"
        "The plant, due to open in two years, will employ about 120 people. Greystone already "
        "has agreements to supply two local builders.",
        figure="Samples of Greystone's cement cure in the company's lab.",
    ),
    S(
        "business",
        "Century-old Mercer's department store to close its doors",
        "The downtown landmark will shut in January; the building may become flats and a food hall.",
        "tobias-wren",
        "Retail, Local History, Housing",
        330,
        "Mercer's clock has hung over Harbour Street since 1921.",
        "Mercer's, the department store that has anchored Harbour Street since 1921, will close "
        "in January, its owners said on Thursday.\n\n"
        "The store's 140 employees will receive severance based on years of service, and the "
        "company says it will help them find jobs with other retailers.\n\n"
        "> My grandmother bought her wedding gloves here. So did I. — Customer Edith Vance\n\n"
        "The Mercer family, which still owns the building, is in talks with a developer about "
        "converting the upper floors into apartments and the ground floor into a food hall. The "
        "famous clock, the family says, will stay.",
    ),
    S(
        "business",
        "Small businesses say new ferry route doubled weekend trade",
        "Cafés and shops on Gull Point report more customers since the Saturday service began.",
        "tobias-wren",
        "Transit, Small Business, Weekend",
        600,
        "The Saturday ferry arrives at Gull Point.",
        "Shopkeepers on Gull Point say a weekend ferry service launched in the spring has "
        "roughly doubled their Saturday trade.\n\n"
        "The route, which runs every 40 minutes from the Old Customs Quarter, carried about "
        "2,600 passengers on an average Saturday this summer.\n\n"
        "> We used to close at two on Saturdays. Now we run out of scones by two. — Bakery "
        "owner Fiona Delgado\n\n"
        "The transit agency will decide in December whether to keep the service through the "
        "winter, when ridership is expected to fall.",
    ),
    S(
        "business",
        "Credit union opens first branch in the Tideflats in 30 years",
        "Harbour Community Credit Union says the neighbourhood has been a banking desert since the 1990s.",
        "tobias-wren",
        "Small Business, Tideflats, Your Money",
        950,
        "The new branch on Marsh Road.",
        "Harbour Community Credit Union opened a branch on Marsh Road on Monday, the first "
        "full-service bank or credit union in the Tideflats since 1994.\n\n"
        "Residents have relied on cheque-cashing shops, which charge fees of up to 4 percent. "
        "The credit union offers free accounts and small loans for as little as $300.\n\n"
        "> Poor neighbourhoods pay the most for money. We want to change that arithmetic. — "
        "Branch manager Kofi Mensah\n\n"
        "About 400 people opened accounts in the first week.",
    ),
    S(
        "business",
        "Port Alder's oldest brewery sold to its workers",
        "Tidewater Brewing becomes an employee-owned co-operative after 88 years of family ownership.",
        "tobias-wren",
        "Small Business, Jobs, Food",
        1250,
        "Brewers at Tidewater check a batch of winter ale.",
        "Tidewater Brewing, which has made beer in the Old Customs Quarter since 1937, is now "
        "owned by the people who make it.\n\n"
        "The Halvorsen family sold the brewery to its 62 employees through a trust financed by "
        "a local bank, rather than accepting offers from two national beer companies.\n\n"
        "> We could have made more money. We would not have slept as well. — Former owner "
        "Ingrid Halvorsen\n\n"
        "The brewery says nothing will change about its beer, including the winter ale that "
        "regulars line up for every November.",
    ),
)
