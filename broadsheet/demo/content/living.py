"""Demo stories for Television and LifeStyle (all fictional)."""

from __future__ import annotations

from broadsheet.demo.content import DemoStory as S

STORIES: tuple[S, ...] = (
    # ---- Television ----------------------------------------------------------------------
    S(
        "television",
        "'Cold Harbour' finale: who really sank the Aurora?",
        "The crime drama ended its final season with a twist half the city saw coming.",
        "rosa-delacroix-ng",
        "Drama, Finales, Cold Harbour",
        10,
        "Detective Mara Okoye, played by Tessa Greenleaf, in the final episode.",
        "Spoilers follow. After five seasons, 'Cold Harbour' ended on Sunday night with the "
        "answer to the question its fans have argued about since the first episode: who sank "
        "the fishing boat Aurora?\n\n"
        "The answer, the harbourmaster's quiet deputy, surprised fewer viewers than the "
        "writers may have hoped. Online polls had named him the favourite for months.\n\n"
        "> We knew people would guess. We wanted them to feel sad about being right. — "
        "Showrunner Felix Amundsen\n\n"
        "The final scene, a long shot of the harbour at dawn, was filmed on Pier 4. About 2.3 "
        "million viewers watched, the show's largest audience.",
    ),
    S(
        "television",
        "Channel 9's evening news turns 50",
        "The broadcast that began with one anchor and a weather map now has 40 journalists.",
        "rosa-delacroix-ng",
        "Local History, News, Anniversaries",
        140,
        "Channel 9's first set, preserved in the station lobby.",
        "Channel 9 Port Alder's evening news went on the air for the first time on a rainy "
        "Monday in 1975, with one anchor, one camera and a weather map drawn in felt-tip "
        "pen.\n\n"
        "Fifty years later the station employs 40 journalists and streams every bulletin. The "
        "original anchor, Dorothy Pike, now 86, returned for the anniversary broadcast.\n\n"
        "> The weather map was the most popular thing we had. People phoned in if the sun was "
        "drawn badly. — Dorothy Pike\n\n"
        "The station has put its archive of 12,000 bulletins online for the first time.",
    ),
    S(
        "television",
        "Review: 'The Lighthouse Keepers' is gentle, funny and very slow",
        "A sitcom about two feuding lighthouse keepers rewards patience.",
        "rosa-delacroix-ng",
        "Reviews, Comedy",
        430,
        "Hollis Baptiste and Wendell Crane in The Lighthouse Keepers.",
        "Almost nothing happens in the first episode of 'The Lighthouse Keepers'. Two men "
        "who dislike each other share a lighthouse, a kettle and a radio that picks up only "
        "the shipping forecast.\n\n"
        "By the third episode, the small things have become the show: an argument about toast, "
        "a visiting seal, a letter that arrives six weeks late.\n\n"
        "> The slowest comedy on television, and the most affectionate. — our verdict\n\n"
        "All eight episodes are streaming now. Watch one a night, with tea.",
    ),
    S(
        "television",
        "Port Alder cooking show chef heads to national competition",
        "Tideflats chef Marisol Quintero will represent the region on 'Kitchen Crown'.",
        "rosa-delacroix-ng",
        "Food, Competitions",
        690,
        "Marisol Quintero in her Tideflats restaurant kitchen.",
        "Marisol Quintero, whose Tideflats restaurant Sal y Mar has a three-week waiting list, "
        "will compete on the national cooking show 'Kitchen Crown' next season.\n\n"
        "Quintero learned to cook in her grandmother's kitchen in Veracruz and opened her first "
        "food truck on the harbour in 2014.\n\n"
        "> I am nervous about the cameras. I am not nervous about the fish. — Marisol "
        "Quintero\n\n"
        "Filming takes place over the winter. The restaurant will stay open while she is away.",
    ),
    S(
        "television",
        "Public TV station wins award for Saltmarsh flood series",
        "'Rising' followed residents through a year of king tides.",
        "rosa-delacroix-ng",
        "Awards, Climate, Saltmarsh",
        990,
        "A scene from Rising, filmed during a king tide.",
        "Port Alder Public Television has won a regional journalism award for 'Rising', a "
        "six-part series following Saltmarsh residents through a year of tidal floods.\n\n"
        "The series was filmed by a crew of four, two of whom live in the neighbourhood.\n\n"
        "> We did not have to look far for the story. It was in our basements. — Producer "
        "Obinna Clarke\n\n"
        "The judges praised the series for its patience and for letting residents tell their "
        "own stories. All six episodes are free to watch online.",
    ),
    S(
        "television",
        "The quiz show that made a Port Alder librarian famous",
        "Eleanor Voss won 19 games in a row, and now gets recognised in the cereal aisle.",
        "rosa-delacroix-ng",
        "Interviews, Libraries, Game Shows",
        1290,
        "Eleanor Voss at the reference desk of the Kestrel Hill library.",
        "Eleanor Voss, a reference librarian at the Kestrel Hill branch, won nineteen "
        "consecutive games on the national quiz show 'Answer Back', taking home $612,000.\n\n"
        "She is back behind her desk, where patrons now ask for autographs along with "
        "directions to the local history shelf.\n\n"
        "> My whole job is knowing where to look things up. For three weeks I had to know "
        "things without looking. — Eleanor Voss\n\n"
        "Voss says she will use part of her winnings to fund a scholarship for library science "
        "students.",
    ),
    # ---- LifeStyle -----------------------------------------------------------------------
    S(
        "lifestyle",
        "Ten perfect places to watch the sun set over Alder Bay",
        "From a rooftop bar to a forgotten bench on Gull Point, our readers' favourites.",
        "lena-vasquez-hart",
        "Weekend, Outdoors, Harbour",
        4,
        "Sunset from the Kestrel Hill stairs.",
        "We asked readers to name their favourite place to watch the sun go down over Alder "
        "Bay. More than 1,100 answered, and a few places came up again and again.\n\n"
        "The top choice was the Kestrel Hill stairs, 212 steps with a view of the whole "
        "harbour. Second was the end of Pier 4, where fishermen share their folding chairs "
        "with strangers.\n\n"
        "> I proposed at the top of the stairs. She said yes before I got my breath back. — "
        "Reader Tomás Iverson\n\n"
        "Other favourites included the last Saturday ferry, the roof of the central library and "
        "a bench on Gull Point with a brass plaque reading simply: 'Sit. Look.'",
        figure="The bench on Gull Point, a readers' favourite.",
    ),
    S(
        "lifestyle",
        "The great Port Alder chowder debate, settled (almost)",
        "We tasted 22 bowls from Ferrybridge to the Tideflats. Here is what we learned.",
        "lena-vasquez-hart",
        "Food, Restaurants, Harbour",
        36,
        "Clam chowder at Maggie's on the Wharf.",
        "Port Alder argues about chowder the way other cities argue about football. Cream or "
        "tomato? Bacon or no bacon? Bread bowl or crackers?\n\n"
        "Over two weeks, we tasted 22 bowls. The clear winner was the creamy clam chowder at "
        "Maggie's on the Wharf, made with smoked bacon and a little dill.\n\n"
        "> My grandmother's recipe has three secrets. I will tell you one: do not boil the "
        "clams. — Maggie Thornquist\n\n"
        "Tomato fans should head to the Tideflats Fish Shack, whose spicy red chowder was a "
        "close second. Bread bowls, our panel agreed, are for tourists. They are also "
        "delicious.",
    ),
    S(
        "lifestyle",
        "How to grow tomatoes on a foggy balcony",
        "Port Alder's summer fog is hard on gardeners. Here are varieties that cope.",
        "lena-vasquez-hart",
        "Gardening, Homes",
        300,
        "Cherry tomatoes ripening on a Larchmont balcony.",
        "Port Alder's summers are famously grey until noon, which is bad news for tomatoes. "
        "But gardeners at the Kestrel Hill allotments say the right varieties will still "
        "fruit.\n\n"
        "Small cherry types ripen fastest. Choose early-season varieties, grow them in dark "
        "pots that absorb heat, and put them against a south-facing wall.\n\n"
        "> Tomatoes here are an act of faith. But faith, plus a black pot, usually works. — "
        "Allotment secretary Bernard Achebe\n\n"
        "Water in the morning, not the evening, to avoid mildew in the damp nights.",
    ),
    S(
        "lifestyle",
        "A walking tour of the Old Customs Quarter's hidden courtyards",
        "Behind the warehouse doors are gardens, cafés and a 19th-century fountain.",
        "lena-vasquez-hart",
        "Walks, Local History, Old Customs Quarter",
        570,
        "The fountain courtyard behind 14 Wharf Lane.",
        "Most visitors to the Old Customs Quarter see only the brick warehouses along Wharf "
        "Lane. Behind many of them are courtyards that once held carts and barrels and now "
        "hold gardens and cafés.\n\n"
        "Start at 14 Wharf Lane, where an archway leads to a cast-iron fountain from 1881. "
        "Continue to the Rope Walk, a long, narrow courtyard where ropes for sailing ships were "
        "twisted by hand.\n\n"
        "> People walk past these arches every day without looking in. That is what makes them "
        "special. — Local historian Ada Pennington\n\n"
        "The full walk takes about an hour. Most courtyards are open from 9 a.m. to 6 p.m.",
    ),
    S(
        "lifestyle",
        "Cold-water swimmers brave the bay all winter",
        "The Polar Gulls swim at Ferrybridge beach every morning, whatever the weather.",
        "lena-vasquez-hart",
        "Health, Outdoors, Ferrybridge",
        870,
        "The Polar Gulls enter the water at Ferrybridge beach.",
        "At 7 a.m. on a January morning, the water at Ferrybridge beach is about 48 degrees. "
        "Every day, around forty members of the Polar Gulls walk into it.\n\n"
        "The club started with three friends in 2019 and now has more than 300 members, "
        "ranging in age from 19 to 84.\n\n"
        "> The first minute is terrible. The rest of the day is wonderful. — Club founder "
        "Agnes Brightwater\n\n"
        "Doctors advise newcomers to start in summer, never swim alone, and get out before "
        "they start to shiver.",
    ),
    S(
        "lifestyle",
        "Tiny homes village opens for young families in Larchmont",
        "Twenty-four compact houses share a garden, a workshop and a laundry.",
        "lena-vasquez-hart",
        "Housing, Homes, Larchmont",
        1360,
        "The shared garden at Larchmont Commons.",
        "Larchmont Commons, a village of 24 compact houses built around a shared garden, "
        "welcomed its first residents this month.\n\n"
        "Each house has about 500 square feet. Residents share a workshop, a laundry, a "
        "playground and a large kitchen for communal dinners on Sundays.\n\n"
        "> We gave up space and got neighbours. My kids have twenty aunts and uncles now. — "
        "Resident Priyanka Solis\n\n"
        "The homes were built by a non-profit and sold at below-market prices to families "
        "earning under the city's median income.",
    ),
)
