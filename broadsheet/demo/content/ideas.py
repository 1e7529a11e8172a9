"""Demo stories for Technology and Science (all fictional)."""

from __future__ import annotations

from broadsheet.demo.content import DemoStory as S

STORIES: tuple[S, ...] = (
    # ---- Technology ----------------------------------------------------------------------
    S(
        "technology",
        "City's free harbour Wi-Fi reaches 40,000 users a day",
        "The network now covers every ferry terminal and most of the waterfront promenade.",
        "priya-castellan",
        "Open Government, Transit, Internet",
        20,
        "A Wi-Fi mast on the waterfront promenade.",
        "Port Alder's free public Wi-Fi network, once mocked as a vanity project, now serves "
        "about 40,000 people a day, the city's technology office said this week.\n\n"
        "The network covers every ferry terminal, the length of the waterfront promenade and "
        "eleven public libraries. Speeds average 60 megabits per second.\n\n"
        "> For a lot of families this is the internet. Kids do homework on the ferry because "
        "it is the fastest connection they have. — Chief technology officer Ravi Menon\n\n"
        "The city collects no browsing data, Menon said, and keeps connection logs for only "
        "seven days. A privacy group that audited the network in the spring agreed.",
    ),
    S(
        "technology",
        "Robot kitchen start-up Ladle closes after two years",
        "The company's automated noodle bars drew crowds but never covered their costs.",
        "priya-castellan",
        "Start-ups, Food, Robotics",
        200,
        "Ladle's robotic arm serving noodles in its Larchmont shop.",
        "Ladle, the Port Alder start-up whose robot arms cooked noodles in front of lunchtime "
        "crowds, has closed its three shops and laid off its 45 employees.\n\n"
        "The company raised $22 million and became a tourist attraction, but each bowl cost more "
        "to make than it sold for, according to a letter to investors.\n\n"
        "> People loved watching the robot. Fewer people loved paying fourteen dollars to watch "
        "it. — Co-founder Elias Brandt\n\n"
        "Ladle's patents will be sold at auction. Two of its engineers have already been hired "
        "by Alder Bay University's robotics lab.",
    ),
    S(
        "technology",
        "Library lends out laptops, hotspots and a 3D printer",
        "The Port Alder Public Library's new 'library of things' has a waiting list of 900.",
        "priya-castellan",
        "Libraries, Education, Internet",
        450,
        "Laptops ready for lending at the central library.",
        "The Port Alder Public Library has started lending laptops, mobile hotspots and, at its "
        "central branch, time on a 3D printer.\n\n"
        "Cardholders can borrow a laptop for three weeks. The library bought 600 of them with a "
        "state grant and has a waiting list of about 900.\n\n"
        "> A library card has always been a key to information. Now it also has to be a key to "
        "the machine you read it on. — City librarian Beatrix Olowe\n\n"
        "The devices are wiped automatically when returned. The printer, the library says, is "
        "mostly used for replacement knobs, board-game pieces and a surprising number of "
        "dinosaurs.",
        figure="A 3D-printed model of the harbour lighthouse at the central library.",
    ),
    S(
        "technology",
        "Ferry app outage strands thousands of commuters' tickets",
        "A software update locked riders out of their passes for five hours on Monday morning.",
        "priya-castellan",
        "Transit, Software",
        800,
        "Commuters queue at the Ferrybridge ticket office during the outage.",
        "Thousands of Port Alder ferry riders could not open their digital passes on Monday "
        "after an update to the transit agency's app went wrong, leaving long queues at ticket "
        "windows.\n\n"
        "Crews waved most passengers aboard without checking tickets. The agency restored "
        "service by 11 a.m.\n\n"
        "> We pushed an update on a Monday morning. We will not do that again. — Transit agency "
        "spokesman Ollie Farrant\n\n"
        "The agency said no personal or payment data had been exposed, and that riders would "
        "get a free day pass as an apology.",
    ),
    S(
        "technology",
        "Students build flood sensors for the Saltmarsh",
        "Thirty cheap water-level sensors now text residents when the tide threatens their streets.",
        "priya-castellan",
        "Education, Climate, Saltmarsh",
        1000,
        "A student installs a sensor on a storm drain.",
        "Engineering students at Harbourview High School have installed thirty water-level "
        "sensors in storm drains across the Saltmarsh, where king tides flood streets several "
        "times a year.\n\n"
        "Each sensor costs about $40 and sends a reading every ten minutes. When water rises "
        "past a threshold, residents who have signed up get a text message.\n\n"
        "> The city has two official tide gauges. We have thirty, and they are on the streets "
        "where people actually park. — Student Amara Whitfield, 17\n\n"
        "The city's emergency office now uses the data and has asked the class to build "
        "twenty more.",
    ),
    S(
        "technology",
        "Port Alder bans facial recognition in city agencies",
        "The ordinance passed unanimously; police say they never used the technology.",
        "priya-castellan",
        "Privacy, Port Alder City Council, Policing",
        1380,
        "A security camera above the City Hall entrance.",
        "Port Alder's city agencies may no longer use facial recognition software, after the "
        "council passed an ordinance unanimously on Tuesday.\n\n"
        "The ban covers police, transit and housing departments, and any contractor working "
        "for them. Private businesses are not affected.\n\n"
        "> The best time to set a rule is before anyone has bought the product. — Councillor "
        "Amina Yusuf, the ordinance's sponsor\n\n"
        "Police officials said the department had never used the technology, though a vendor "
        "had offered a free trial last year.",
    ),
    # ---- Science -------------------------------------------------------------------------
    S(
        "science",
        "Grey whales return to Alder Bay in record numbers",
        "Researchers counted 61 whales this spring, more than twice the average of the last decade.",
        "ines-marlowe",
        "Ocean, Wildlife, Climate",
        12,
        "A grey whale surfaces near Gull Point.",
        "Grey whales have returned to Alder Bay in numbers not seen since counts began, "
        "researchers at the Alder Bay Marine Station said on Wednesday.\n\n"
        "Volunteers and scientists counted 61 individual whales between March and May, "
        "identifying each by the pattern of barnacles and scars on its back.\n\n"
        "> They are feeding on ghost shrimp in the mudflats, which means the mudflats are "
        "healthy. The whales are telling us something good. — Marine biologist Dr. Saoirse "
        "Lennox\n\n"
        "The researchers caution that the increase may reflect poor feeding further north, "
        "pushing whales to linger. The station's photo catalogue is online and welcomes "
        "pictures from whale watchers.",
        figure="Barnacle patterns identify individual whales in the station's catalogue.",
    ),
    S(
        "science",
        "University telescope spots comet heading for a spring show",
        "Comet Okonkwo–Lark may be visible to the naked eye in April, astronomers say.",
        "ines-marlowe",
        "Astronomy, Alder Bay University",
        150,
        "The Mount Calder observatory dome at dusk.",
        "Astronomers at Alder Bay University's Mount Calder observatory have discovered a comet "
        "that could be visible without binoculars next spring.\n\n"
        "The comet, named after graduate student Chidi Okonkwo and technician Margit Lark, who "
        "spotted it in routine survey images, is now beyond the orbit of Jupiter.\n\n"
        "> Comets are like cats. They do what they want. But the early signs are very "
        "promising. — Observatory director Dr. Paul Esterhazy\n\n"
        "If it brightens as expected, the best views from Port Alder will come in mid-April, "
        "low in the western sky after sunset.",
    ),
    S(
        "science",
        "Study finds microplastics in nine of ten harbour mussels",
        "Researchers say the levels are low but rising, and point to tyre dust as a major source.",
        "ines-marlowe",
        "Ocean, Pollution, Health",
        380,
        "Mussels collected from the Pier 4 pilings.",
        "Nine out of ten mussels collected from Port Alder harbour contained microplastic "
        "particles, according to a study published this week by the Alder Bay Marine "
        "Station.\n\n"
        "Most of the particles were fragments of tyre rubber washed from roads in storm water, "
        "rather than the bottles and bags usually blamed.\n\n"
        "> The biggest source of plastic in the harbour is not something you throw away. It is "
        "something you drive on. — Lead author Dr. Mateo Ruiz\n\n"
        "The levels found pose no known health risk to people who eat the shellfish, the "
        "authors say, but they have roughly tripled since samples taken in 2012.",
    ),
    S(
        "science",
        "Kelp forest restoration shows first signs of success",
        "Divers planted 20,000 kelp seedlings off Gull Point; a third survived the winter.",
        "ines-marlowe",
        "Ocean, Climate, Wildlife",
        720,
        "A diver checks kelp seedlings on a restoration line.",
        "A project to replant kelp forests off Gull Point has produced its first healthy "
        "stands, two years after divers began tying seedlings to lines on the sea floor.\n\n"
        "About a third of the 20,000 seedlings survived the winter storms, a rate researchers "
        "describe as encouraging. Sea urchins, which devoured the original forest, remain the "
        "main threat.\n\n"
        "> Kelp forests are the rainforests of this coast. Losing them was quiet, and bringing "
        "them back is slow. — Project diver Hana Takeda\n\n"
        "Local restaurants have joined the effort by putting urchins on their menus.",
    ),
    S(
        "science",
        "Hospital trial tests music therapy for stroke recovery",
        "Patients who sang daily regained speech faster, early results suggest.",
        "ines-marlowe",
        "Health, Music, Alder Bay University",
        1050,
        "A music therapist works with a patient at St. Brendan's Hospital.",
        "Stroke patients at St. Brendan's Hospital who took part in daily singing sessions "
        "recovered speech faster than those who received standard therapy alone, according to "
        "early results from a trial with 80 patients.\n\n"
        "Singing uses different brain pathways from speaking, and the researchers believe it "
        "can help the brain reroute language around damaged tissue.\n\n"
        "> One patient could not say his daughter's name, but he could sing 'Happy Birthday'. "
        "Three weeks later he could say it. — Music therapist Joan Amadi\n\n"
        "A larger trial across three hospitals will begin next year.",
    ),
    S(
        "science",
        "Fossil dig at Calder quarry uncovers ancient sea turtle",
        "The 70-million-year-old skeleton is the most complete ever found in the state.",
        "ines-marlowe",
        "Fossils, Local History, Alder Bay University",
        1420,
        "Palaeontologists at work in the Calder quarry.",
        "Quarry workers at Calder have uncovered the fossil skeleton of a sea turtle that swam "
        "here roughly 70 million years ago, when the region lay under a warm, shallow sea.\n\n"
        "The skeleton, about two metres long, is the most complete of its kind found in the "
        "state. Palaeontologists from Alder Bay University spent six weeks removing it in "
        "plaster jackets.\n\n"
        "> The quarry crew stopped their machines the moment they saw bone. That is why we have "
        "the whole animal. — Palaeontologist Dr. Ruth Nakamura\n\n"
        "The fossil will go on display at the Harrowgate Museum next year.",
    ),
)
