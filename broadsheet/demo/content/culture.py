"""Demo stories for Books, Film and Music (all fictional)."""

from __future__ import annotations

from broadsheet.demo.content import DemoStory as S

STORIES: tuple[S, ...] = (
    # ---- Books ---------------------------------------------------------------------------
    S(
        "books",
        "Review: 'The Salt Ledger' turns a shipping archive into a thriller",
        "Margarethe Oyelaran's debut novel follows a clerk who finds a murder in the accounts.",
        "caleb-juniper",
        "Reviews, Fiction, Harbour",
        26,
        "The Salt Ledger is published by Kestrel Press.",
        "Nobody expects a novel about bookkeeping to keep them up past midnight, but Margarethe "
        "Oyelaran's 'The Salt Ledger' does exactly that.\n\n"
        "Its heroine, a junior clerk at a shipping company in 1890s Port Alder, notices that a "
        "cargo of tea has been paid for twice. Following the money leads her through customs "
        "houses, boarding houses and, eventually, a drowned man in the harbour.\n\n"
        "> Numbers lie less than people, but they lie more quietly. — from 'The Salt Ledger'\n\n"
        "Oyelaran, a former archivist, builds the period from ledgers and letters rather than "
        "costume-drama clichés. The final third races a little too fast, but this is the most "
        "assured debut from a local writer in years.",
    ),
    S(
        "books",
        "Beloved Kestrel Hill bookshop saved by its readers",
        "More than 1,200 customers bought shares to keep Paper Lantern Books open.",
        "caleb-juniper",
        "Bookshops, Small Business, Kestrel Hill",
        170,
        "Paper Lantern Books on Kestrel Hill's Alma Street.",
        "Paper Lantern Books, the narrow shop on Alma Street that has sold books on Kestrel Hill "
        "since 1978, will stay open after more than 1,200 readers bought shares in it.\n\n"
        "The owner, Gideon Marsh, announced in the spring that he wanted to retire and could "
        "not find a buyer. Customers raised $310,000 in six weeks to turn the shop into a "
        "community-owned business.\n\n"
        "> I thought I would get a few hundred people. The children's section alone raised "
        "forty thousand dollars. — Gideon Marsh\n\n"
        "The shop will keep its staff of five and its famously crowded poetry shelf. Marsh has "
        "agreed to work Saturdays for another year.",
        figure="Shareholders' names are painted on the shop's back wall.",
    ),
    S(
        "books",
        "Poet laureate Imogen Achterberg on writing the harbour",
        "The city's poet laureate talks about ferries, fog and her new collection.",
        "caleb-juniper",
        "Interviews, Poetry",
        480,
        "Imogen Achterberg on the Ferrybridge pier.",
        'Imogen Achterberg writes most of her poems on the 7:10 ferry. "Forty minutes, no '
        'signal, and the light changing every five," she said. "It is the best office in the '
        'city."\n\n'
        "Port Alder's poet laureate has just published 'Slack Water', her fourth collection, a "
        "sequence of poems about the moment between tides when the harbour goes still.\n\n"
        "> Slack water is when nothing is moving and everything is about to. That felt like the "
        "last few years. — Imogen Achterberg\n\n"
        "As laureate she has placed poems on bus shelters and run workshops in every high "
        "school. Her term ends in June; she says she will miss the bus shelters most.",
    ),
    S(
        "books",
        "Library's summer reading challenge breaks its own record",
        "Children read more than 310,000 books, and a nine-year-old read 212 of them.",
        "caleb-juniper",
        "Libraries, Education",
        760,
        "Prize-winners at the summer reading party.",
        "Children in Port Alder logged 311,402 books during the public library's summer reading "
        "challenge, beating last year's record by almost 40,000.\n\n"
        "The top reader, nine-year-old Theo Abernathy of Saltmarsh, finished 212 books, most "
        "of them about sharks.\n\n"
        "> I read the shark books twice, but I only counted them once. — Theo Abernathy\n\n"
        "Librarians credit a new rule that comics and audiobooks count. About 14,000 children "
        "took part, a quarter of them for the first time.",
    ),
    S(
        "books",
        "Review: a history of Port Alder told through its bridges",
        "Desmond Ferreira's 'Crossings' is a charming, occasionally exhausting piece of local history.",
        "caleb-juniper",
        "Reviews, Local History",
        1010,
        "The Canal Street swing bridge, subject of chapter four.",
        "Every city has a historian who knows too much about one thing. Port Alder's is Desmond "
        "Ferreira, and the thing is bridges.\n\n"
        "'Crossings' tells the city's story through its 34 bridges, from the timber trestle of "
        "1862 to the cable-stayed Tideflats Bridge that opened in 2009.\n\n"
        "The best chapters are about people: the swing-bridge keeper who raised six children in "
        "a control cabin, the engineers who argued for a decade over a single pier.\n\n"
        "> A bridge is an argument that someone eventually won. — from 'Crossings'\n\n"
        "Readers without a passion for rivets may skim the load calculations. Everyone else "
        "will never cross the harbour the same way.",
    ),
    S(
        "books",
        "Translated novels find a home at new Old Customs Quarter press",
        "Lantern & Ink will publish six translated books a year, starting with fiction from China and Chile.",
        "caleb-juniper",
        "Publishing, Translation, China",
        1330,
        "Publisher Ama Sefton in the Lantern & Ink office.",
        "A new small press in the Old Customs Quarter will publish only books in translation, "
        "beginning with a novel from China about a family of river pilots and a Chilean "
        "collection of short stories.\n\n"
        "Lantern & Ink was founded by Ama Sefton, a former translator, with a grant from the "
        "city's arts council.\n\n"
        "> Only about three percent of books published in English are translations. That is a "
        "lot of good stories we are choosing not to hear. — Ama Sefton\n\n"
        "The press will hold monthly readings with translators at the Old Customs House.",
    ),
    # ---- Film ----------------------------------------------------------------------------
    S(
        "film",
        "Port Alder Film Festival opens with a homegrown documentary",
        "'Low Tide' follows three generations of a Tideflats fishing family.",
        "caleb-juniper",
        "Festivals, Documentary, Harbour",
        40,
        "The red carpet outside the Orpheum on opening night.",
        "The 31st Port Alder Film Festival opened on Thursday with 'Low Tide', a documentary "
        "about the Brennan fishing family, shot over seven years on the Tideflats.\n\n"
        "Director Nadia Castell followed grandfather, son and granddaughter as the family's "
        "crab business shrank, and then, unexpectedly, recovered.\n\n"
        "> I thought I was making a film about an ending. It turned out to be about a "
        "stubborn beginning. — Director Nadia Castell\n\n"
        "The festival runs for eleven days and shows 140 films from 38 countries. Tickets for "
        "most screenings are still available.",
        figure="Director Nadia Castell with the Brennan family at the premiere.",
    ),
    S(
        "film",
        "Review: 'Northern Lights Motel' is a small, warm comedy",
        "Two strangers stuck in a snowbound motel make an unlikely family.",
        "caleb-juniper",
        "Reviews, Comedy",
        220,
        "A still from Northern Lights Motel.",
        "'Northern Lights Motel' has the plot of a dozen holiday films: a blizzard, a motel, "
        "strangers who do not like each other. What it does with that plot is the surprise.\n\n"
        "The widowed owner and a stranded teenage runaway spend four days snowed in, arguing "
        "about soup and slowly trading their secrets.\n\n"
        "> The jokes come from character, not coincidence, and the ending is earned. — our "
        "verdict\n\n"
        "It is showing at the Orpheum and the Larchmont Picturehouse. Bring someone you have "
        "been meaning to call.",
    ),
    S(
        "film",
        "The Orpheum's century: a picture palace that refused to die",
        "The downtown cinema celebrates 100 years with a week of silent films and a live organ.",
        "caleb-juniper",
        "Cinemas, Local History",
        540,
        "The Orpheum's restored ceiling.",
        "The Orpheum opened on Harbour Street in 1925 with a silent film, a thirty-piece "
        "orchestra and a Wurlitzer organ. This month it celebrates its hundredth birthday "
        "the same way.\n\n"
        "The cinema survived television, multiplexes and a 1979 fire. It was saved from "
        "demolition in 1994 by a campaign led by a retired projectionist.\n\n"
        "> People said nobody would want to sit in an old theatre. Then they sat in it. — "
        "Manager Beatriz Almeida\n\n"
        "The anniversary week ends with a screening at which the audience votes on which film "
        "is shown next year.",
    ),
    S(
        "film",
        "Local crews welcome the return of a big studio shoot",
        "A streaming series is filming in the Old Customs Quarter for twelve weeks.",
        "caleb-juniper",
        "Jobs, Television, Old Customs Quarter",
        840,
        "A film crew on Wharf Lane.",
        "For twelve weeks this autumn, the Old Customs Quarter will be standing in for 1950s "
        "San Francisco, as a streaming series films on its cobbled streets.\n\n"
        "The production employs about 300 local crew members and extras, and the state film "
        "office estimates it will spend $18 million in the region.\n\n"
        "> For most of my crew this is the first full season of work in two years. — Union "
        "business agent Joaquín Mendes\n\n"
        "Residents will face occasional street closures; the production has promised parking "
        "vouchers and has repainted several shopfronts in period colours.",
    ),
    S(
        "film",
        "Review: 'Undertow' drowns a good cast in a muddled plot",
        "A thriller about a missing diver never finds its footing.",
        "caleb-juniper",
        "Reviews, Thriller",
        1150,
        "A still from Undertow.",
        "There is a good film somewhere inside 'Undertow'. It has a strong cast, a striking "
        "coastal setting and a mystery worth solving: why did an experienced diver vanish in "
        "calm water?\n\n"
        "Unfortunately the script piles twist upon twist until the characters seem as confused "
        "as the audience. By the third flashback, the tide has gone out on everyone's "
        "patience.\n\n"
        "> Beautifully shot, badly plotted. — our verdict\n\n"
        "Watch it for the underwater photography, then read a good mystery novel instead.",
    ),
    S(
        "film",
        "Teen filmmakers' shorts screen at the Larchmont Picturehouse",
        "Twenty films by high-school students, from horror to a musical about the bus.",
        "caleb-juniper",
        "Festivals, Education, Young People",
        1400,
        "Student filmmakers at the Larchmont Picturehouse.",
        "Twenty short films made by Port Alder high-school students were shown to a sold-out "
        "Larchmont Picturehouse on Saturday, in the tenth year of the city's youth film "
        "programme.\n\n"
        "The films ranged from a four-minute horror about a haunted vending machine to a "
        "musical set on the 14 bus.\n\n"
        "> My film cost eleven dollars and my grandmother is in it. — Student director Kai "
        "Osei, 16\n\n"
        "The audience award went to 'Late Bell', a documentary about the new school start "
        "times.",
    ),
    # ---- Music ---------------------------------------------------------------------------
    S(
        "music",
        "The Pilings sell out the Marlow Ballroom three nights running",
        "The harbour-rock quartet's homecoming shows celebrate their third album.",
        "rosa-delacroix-ng",
        "Concerts, Local Bands",
        1.5,
        "The Pilings on stage at the Marlow Ballroom.",
        "Five years ago The Pilings played to twelve people in the back room of a Tideflats "
        "bar. On Friday they began three sold-out nights at the Marlow Ballroom, the city's "
        "largest rock venue.\n\n"
        "The quartet's third album, 'Breakwater', went into the national charts last month. "
        "Its single 'Fog Horn Heart' is the most streamed song by a Port Alder band this "
        "year.\n\n"
        "> We still load our own gear. The van is just nicer now. — Singer Juno Castellanos\n\n"
        "The band plays every song in the set with a local horn section. The final show will "
        "be broadcast on community radio.",
        figure="Fans queue along Marlow Street before the first show.",
    ),
    S(
        "music",
        "Port Alder Symphony names its first female music director",
        "Conductor Astrid Kalnins will lead the orchestra from next season.",
        "rosa-delacroix-ng",
        "Classical, Interviews",
        120,
        "Astrid Kalnins rehearses with the Port Alder Symphony.",
        "The Port Alder Symphony has appointed Astrid Kalnins as its music director, the first "
        "woman to hold the post in the orchestra's 96-year history.\n\n"
        "Kalnins, 41, has been principal guest conductor for three seasons. Musicians voted "
        "overwhelmingly for her appointment.\n\n"
        "> An orchestra is the best argument I know for listening to each other. — Astrid "
        "Kalnins\n\n"
        "She plans to commission a new work every season from a composer living in the region, "
        "and to take the orchestra into school gyms twice a year.",
    ),
    S(
        "music",
        "Basement venue The Lantern Room fights noise complaint",
        "A new apartment building next door threatens the club that launched a dozen bands.",
        "rosa-delacroix-ng",
        "Venues, Housing, Local Bands",
        350,
        "The stage at The Lantern Room.",
        "The Lantern Room, a 150-capacity basement club in the Old Customs Quarter, faces the "
        "loss of its licence after residents of a new apartment building complained about "
        "noise.\n\n"
        "The club has operated since 1996. The apartments opened last year.\n\n"
        "> We were here first, but that is not the point. The point is that cities need places "
        "for loud music. — Owner Marguerite Dossou\n\n"
        "Musicians have gathered 9,000 signatures supporting an 'agent of change' rule that "
        "would require new buildings to soundproof themselves against existing venues. The "
        "council will hear the proposal next month.",
    ),
    S(
        "music",
        "Review: Wren & Tide's folk album is a quiet triumph",
        "'Paper Boats' is full of harmony, grief and the sound of rain on a tin roof.",
        "rosa-delacroix-ng",
        "Reviews, Folk",
        650,
        "Wren & Tide recorded Paper Boats in a converted boathouse.",
        "The duo Wren & Tide recorded their second album in a boathouse on Gull Point, and you "
        "can hear it: the creak of the floor, rain on the roof, a gull that wandered into the "
        "last track.\n\n"
        "'Paper Boats' is an album about losing a parent, but it is not a heavy listen. The "
        "harmonies are warm and the songs short.\n\n"
        "> The best record made in this city this year, and the gentlest. — our verdict\n\n"
        "The duo play an album release show at the Kestrel Hill Grange next Saturday.",
    ),
    S(
        "music",
        "Harbour Jazz Festival moves outdoors to the waterfront",
        "The festival's free stages drew an estimated 60,000 people over the weekend.",
        "rosa-delacroix-ng",
        "Festivals, Jazz, Weekend",
        920,
        "Crowds at the festival's main waterfront stage.",
        "The Harbour Jazz Festival left its concert halls this year for three free stages on "
        "the waterfront, and organisers estimate that 60,000 people came.\n\n"
        "Headliner Delphine Oduya closed the weekend with a set that ran forty minutes over, "
        "as the ferry horns joined in from across the harbour.\n\n"
        "> I have played Carnegie Hall. It did not have ferry horns. — Delphine Oduya\n\n"
        "Organisers said the outdoor format cost less than renting halls, and plan to keep it.",
    ),
    S(
        "music",
        "School music programme gets a $2 million gift of instruments",
        "A retired piano tuner's estate funds 1,500 instruments for public schools.",
        "rosa-delacroix-ng",
        "Education, Philanthropy",
        1200,
        "New violins arrive at Saltmarsh Elementary School.",
        "Every public school in Port Alder will receive new instruments this year, thanks to a "
        "$2 million bequest from Harold Vinter, a piano tuner who died last year aged 93.\n\n"
        "Vinter tuned pianos in the city for six decades, including every school piano, and "
        "left almost his entire estate to the district's music programme.\n\n"
        "> He used to say a school piano was the most important piano in any city. — Music "
        "coordinator Rachel Obi\n\n"
        "The gift buys about 1,500 instruments, from violins to tubas, and pays for repairs "
        "for ten years.",
    ),
)
