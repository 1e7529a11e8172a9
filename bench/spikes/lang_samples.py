"""Held-out text for the language-detector spike and its tests: paragraphs and headlines
written for Broadsheet (original text, not copied from any publisher), one pair per language."""

SAMPLES: dict[str, tuple[str, str]] = {
    # language: (a paragraph as a story body would start, a headline-length line)
    "en": (
        "The council agreed on Tuesday to delay the vote on the harbour budget until the spring, "
        "after residents packed the town hall to complain about rising ferry fares.",
        "Council delays harbour budget vote",
    ),
    "de": (
        "Der Stadtrat hat am Dienstag beschlossen, die Abstimmung über den Haushalt des Hafens auf "
        "das Frühjahr zu verschieben, nachdem sich zahlreiche Anwohner über steigende Fährpreise "
        "beschwert hatten.",
        "Stadtrat verschiebt Abstimmung über Hafenhaushalt",
    ),
    "fr": (
        "Le conseil municipal a décidé mardi de reporter au printemps le vote sur le budget du port, "
        "après que de nombreux habitants se sont plaints de la hausse des tarifs du ferry.",
        "Le conseil reporte le vote sur le budget du port",
    ),
    "es": (
        "El ayuntamiento decidió el martes aplazar hasta la primavera la votación sobre el "
        "presupuesto del puerto, después de que muchos vecinos se quejaran de la subida del ferry.",
        "El ayuntamiento aplaza la votación del presupuesto",
    ),
    "ru": (
        "Во вторник городской совет решил перенести голосование по бюджету порта на весну, после "
        "того как жители пожаловались на рост цен на паром.",
        "Совет перенёс голосование по бюджету порта",
    ),
    "ar": (
        "قرر المجلس البلدي يوم الثلاثاء تأجيل التصويت على ميزانية الميناء حتى الربيع، بعد أن اشتكى "
        "كثير من السكان من ارتفاع أسعار العبّارة.",
        "المجلس البلدي يؤجل التصويت على ميزانية الميناء",
    ),
    "ur": (
        "بلدیہ نے منگل کو بندرگاہ کے بجٹ پر ووٹنگ بہار تک مؤخر کرنے کا فیصلہ کیا، کیونکہ بہت سے "
        "شہریوں نے فیری کے بڑھتے ہوئے کرایوں کی شکایت کی تھی۔",
        "بلدیہ نے بندرگاہ کے بجٹ پر ووٹنگ مؤخر کر دی",
    ),
    "zh": (
        "市议会周二决定将港口预算的表决推迟到明年春天，此前许多居民抱怨渡轮票价不断上涨。",
        "市议会推迟港口预算表决",
    ),
    "ja": (
        "市議会は火曜日、港の予算案の採決を春まで延期することを決めた。多くの住民がフェリー料金の"
        "値上がりに不満を訴えていた。",
        "市議会、港の予算案の採決を延期",
    ),
}
