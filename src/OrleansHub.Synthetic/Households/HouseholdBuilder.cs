using OrleansHub.Synthetic.Numbering;
using OrleansHub.Synthetic.Randomness;
using OrleansHub.Synthetic.Tables;

namespace OrleansHub.Synthetic.Households;

/// <summary>
/// Builds one household at a time: who lives in it (head, spouse, children, the head's parents, a sibling, another relative),
/// then who has died, then names, IDs, residence, documents and cards. Each household draws from its own random stream
/// derived from the seed and its index; only the number sequences carry over from one household to the next.
/// </summary>
internal sealed class HouseholdBuilder(ulong seed, DateOnly today, DocumentNumbers numbers)
{
    private readonly DateOnly _latestBirth = today.AddDays(-1);
    private readonly DocumentIssuer _documents = new(numbers);

    /// <summary>Fills <paramref name="output"/> with one household of at most <paramref name="capacity"/> (≥ 1) citizens.</summary>
    public void Build(long index, int capacity, List<SyntheticCitizen> output)
    {
        output.Clear();
        var random = new SeededRandom(SeededRandom.Mix(seed, (ulong)index));
        var ethnicity = Ethnicities.National.Pick(random);
        var birthProvince = ethnicity.Homeland?.Pick(random) ?? Demography.Population.Pick(random);
        var residence = random.Chance(0.82) ? birthProvince : Demography.Migration.Pick(random);
        var members = Compose(random, capacity, ethnicity, birthProvince, residence);
        RecordDeaths(random, members);
        Name(random, members);
        foreach (var member in members)
        {
            member.Id = numbers.PersonalId(member.BirthProvince.Code, member.DateOfBirth, member.Sex);
        }

        var head = members[0];
        var permanent = Places.Address(random, residence);
        var religion = HouseholdReligion(random, head.Ethnicity);
        foreach (var member in members)
        {
            output.Add(Materialize(random, member, head, residence, permanent, religion));
        }
    }

    private List<Person> Compose(SeededRandom random, int capacity, Ethnicity ethnicity, Province birthProvince, Province residence)
    {
        var headAge = Demography.HeadAge(random);
        var marital = Demography.HeadMaritalStatus(random, headAge);
        if (capacity == 1 && marital == MaritalStatus.Married)
        {
            marital = headAge < 30 ? MaritalStatus.Single : random.Chance(0.6) ? MaritalStatus.Widowed : MaritalStatus.Divorced;
        }

        var headSex = random.Chance(marital switch
        {
            MaritalStatus.Married => 0.82,
            MaritalStatus.Widowed => 0.25,
            MaritalStatus.Divorced => 0.4,
            _ => 0.55,
        }) ? Sex.Male : Sex.Female;
        var head = new Person(HouseholdRelationship.Head, headSex, BirthDateAtAge(random, headAge), birthProvince, ethnicity) { MaritalStatus = marital };
        var members = new List<Person> { head };

        if (marital == MaritalStatus.Married)
        {
            members.Add(Spouse(random, head));
        }

        AddChildren(random, members, head, residence);
        AddMarriedChildFamily(random, members, head, residence);
        AddParents(random, members, head);
        AddSibling(random, members, head);
        AddOtherRelative(random, members, head);

        // The last household of the output may have to be cut short; links to those left out are dropped.
        if (members.Count > capacity)
        {
            members.RemoveRange(capacity, members.Count - capacity);
            foreach (var member in members)
            {
                if (member.Spouse is { } spouse && !members.Contains(spouse))
                {
                    member.Spouse = null;
                    member.MaritalStatus = MaritalStatus.Widowed;
                }

                member.Father = member.Father is { } father && members.Contains(father) ? father : null;
                member.Mother = member.Mother is { } mother && members.Contains(mother) ? mother : null;
            }
        }

        return members;
    }

    private Person Spouse(SeededRandom random, Person head)
    {
        // Husbands are on average about three years older than their wives.
        var gapDays = (random.Between(0, 4) + random.Between(0, 3) - 1) * 365 + random.Between(-180, 180);
        var dateOfBirth = head.Sex == Sex.Male ? head.DateOfBirth.AddDays(gapDays) : head.DateOfBirth.AddDays(-gapDays);
        var adultBy = today.AddYears(-18);
        dateOfBirth = Dates.Clamp(dateOfBirth, PopulationGenerator.EarliestBirth, adultBy);
        var ethnicity = random.Chance(0.9) ? head.Ethnicity : Ethnicities.Kinh;
        var province = ethnicity.Homeland is { } homeland && ethnicity != head.Ethnicity ? homeland.Pick(random)
            : random.Chance(0.6) ? head.BirthProvince
            : ethnicity.Homeland?.Pick(random) ?? Demography.Population.Pick(random);
        var spouse = new Person(HouseholdRelationship.Spouse, Opposite(head.Sex), dateOfBirth, province, ethnicity)
        {
            MaritalStatus = MaritalStatus.Married,
            Spouse = head,
        };
        head.Spouse = spouse;
        return spouse;
    }

    private void AddChildren(SeededRandom random, List<Person> members, Person head, Province residence)
    {
        if (head.MaritalStatus == MaritalStatus.Single && !(head.Sex == Sex.Female && random.Chance(0.05)))
        {
            return;
        }

        var father = head.Sex == Sex.Male ? head : head.Spouse;
        var mother = head.Sex == Sex.Female ? head : head.Spouse;
        var motherBirth = mother?.DateOfBirth ?? head.DateOfBirth.AddYears(3);
        var birth = motherBirth.AddYears(random.Between(19, 28)).AddDays(random.Next(365));
        var last = motherBirth.AddYears(44);
        for (var i = Demography.BirthCount(random, motherBirth.Year); i > 0 && birth <= _latestBirth && birth <= last; i--)
        {
            var sex = random.Chance(0.52) ? Sex.Male : Sex.Female;
            // Births are registered where the family lives, or now and then in the mother's home province.
            var province = random.Chance(0.85) ? residence : (mother ?? head).BirthProvince;
            var age = Dates.AgeOn(birth, today);
            if (Demography.ChildLivesAtHome(random, age))
            {
                var child = new Person(HouseholdRelationship.Child, sex, birth, province, (father ?? head).Ethnicity)
                {
                    Father = father,
                    Mother = mother,
                    MaritalStatus = age >= 25 && random.Chance(0.08) ? MaritalStatus.Divorced : MaritalStatus.Single,
                };
                members.Add(child);
            }

            birth = birth.AddDays(random.Between(550, 1900));
        }
    }

    /// <summary>Three generations under one roof: an older head with a married son (more often) or daughter, their spouse and children.</summary>
    private void AddMarriedChildFamily(SeededRandom random, List<Person> members, Person head, Province residence)
    {
        var headAge = Dates.AgeOn(head.DateOfBirth, today);
        if (headAge is < 48 or > 82 || !random.Chance(0.38))
        {
            return;
        }

        var father = head.Sex == Sex.Male ? head : head.Spouse;
        var mother = head.Sex == Sex.Female ? head : head.Spouse;
        var motherBirth = mother?.DateOfBirth ?? head.DateOfBirth.AddYears(3);
        var birth = motherBirth.AddYears(random.Between(20, 30)).AddDays(random.Next(365));
        if (Dates.AgeOn(birth, today) < 21)
        {
            return;
        }

        var sex = random.Chance(0.8) ? Sex.Male : Sex.Female;
        var child = new Person(HouseholdRelationship.Child, sex, birth, head.BirthProvince, (father ?? head).Ethnicity)
        {
            Father = father,
            Mother = mother,
            MaritalStatus = MaritalStatus.Married,
        };
        var gapDays = (random.Between(0, 4) + random.Between(0, 3) - 1) * 365 + random.Between(-180, 180);
        var inLawBirth = Dates.Clamp(sex == Sex.Male ? birth.AddDays(gapDays) : birth.AddDays(-gapDays), PopulationGenerator.EarliestBirth, today.AddYears(-18));
        var inLaw = new Person(HouseholdRelationship.Other, Opposite(sex), inLawBirth,
            random.Chance(0.6) ? residence : Demography.Population.Pick(random), random.Chance(0.9) ? child.Ethnicity : Ethnicities.Kinh)
        {
            MaritalStatus = MaritalStatus.Married,
            Spouse = child,
        };
        child.Spouse = inLaw;
        members.Add(child);
        members.Add(inLaw);

        var (husband, wife) = sex == Sex.Male ? (child, inLaw) : (inLaw, child);
        var next = wife.DateOfBirth.AddYears(random.Between(20, 28)).AddDays(random.Next(365));
        for (var i = Demography.BirthCount(random, wife.DateOfBirth.Year); i > 0 && next <= _latestBirth; i--)
        {
            members.Add(new Person(HouseholdRelationship.Other, random.Chance(0.52) ? Sex.Male : Sex.Female, next, residence, husband.Ethnicity)
            {
                Father = husband,
                Mother = wife,
            });
            next = next.AddDays(random.Between(550, 1900));
        }
    }

    private void AddParents(SeededRandom random, List<Person> members, Person head)
    {
        var age = Dates.AgeOn(head.DateOfBirth, today);
        if (age is < 20 or > 60 || !random.Chance(head.MaritalStatus == MaritalStatus.Single ? 0.25 : 0.15))
        {
            return;
        }

        var which = random.Next(100);
        var father = which is < 45 or >= 85
            ? Parent(random, head, Sex.Male, head.DateOfBirth.AddYears(-random.Between(24, 36)).AddDays(-random.Next(365)))
            : null;
        var mother = which < 85
            ? Parent(random, head, Sex.Female, head.DateOfBirth.AddYears(-random.Between(20, 32)).AddDays(-random.Next(365)))
            : null;
        if (father is not null && mother is not null)
        {
            father.MaritalStatus = mother.MaritalStatus = MaritalStatus.Married;
            father.Spouse = mother;
            mother.Spouse = father;
        }

        foreach (var parent in new[] { father, mother }.OfType<Person>())
        {
            members.Add(parent);
        }

        head.Father = father;
        head.Mother = mother;
    }

    private Person? Parent(SeededRandom random, Person head, Sex sex, DateOnly dateOfBirth) =>
        dateOfBirth < PopulationGenerator.EarliestBirth
            ? null
            : new Person(HouseholdRelationship.Parent, sex, dateOfBirth, random.Chance(0.85) ? head.BirthProvince : Demography.Population.Pick(random), head.Ethnicity)
            {
                MaritalStatus = random.Chance(0.88) ? MaritalStatus.Widowed : MaritalStatus.Divorced,
            };

    private void AddSibling(SeededRandom random, List<Person> members, Person head)
    {
        if (Dates.AgeOn(head.DateOfBirth, today) is < 18 or > 45 || !random.Chance(0.05))
        {
            return;
        }

        var offset = random.Between(400, 3000) * (random.Chance(0.5) ? 1 : -1);
        var dateOfBirth = head.DateOfBirth.AddDays(offset);
        var age = Dates.AgeOn(dateOfBirth, today);
        // A sibling older than the head must still have been born to the head's parents as adults.
        var parentsAdult = new[] { head.Father, head.Mother }.OfType<Person>().All(parent => dateOfBirth >= parent.DateOfBirth.AddYears(17));
        if (dateOfBirth > _latestBirth || age < 15 || !parentsAdult)
        {
            return;
        }

        members.Add(new Person(HouseholdRelationship.Sibling, random.Chance(0.5) ? Sex.Male : Sex.Female, dateOfBirth, head.BirthProvince, head.Ethnicity)
        {
            Father = head.Father,
            Mother = head.Mother,
            MaritalStatus = age < 25 || random.Chance(0.75) ? MaritalStatus.Single : random.Chance(0.8) ? MaritalStatus.Divorced : MaritalStatus.Widowed,
        });
    }

    private void AddOtherRelative(SeededRandom random, List<Person> members, Person head)
    {
        if (!random.Chance(0.04))
        {
            return;
        }

        // A grandchild, nephew or niece living with the family.
        var age = Dates.AgeOn(head.DateOfBirth, today) >= 45 ? random.Between(3, 22) : random.Between(15, 28);
        members.Add(new Person(HouseholdRelationship.Other, random.Chance(0.5) ? Sex.Male : Sex.Female, BirthDateAtAge(random, age), head.BirthProvince, head.Ethnicity));
    }

    private void RecordDeaths(SeededRandom random, List<Person> members)
    {
        foreach (var member in members)
        {
            if (!random.Chance(Demography.DeathChance(Dates.AgeOn(member.DateOfBirth, today))))
            {
                continue;
            }

            // No one dies before their youngest child in the household is born.
            var earliest = Dates.Max(member.DateOfBirth.AddDays(1), today.AddYears(-6));
            foreach (var other in members)
            {
                if (other.Father == member || other.Mother == member)
                {
                    earliest = Dates.Max(earliest, other.DateOfBirth);
                }
            }

            if (earliest <= today)
            {
                member.DateOfDeath = random.DateBetween(earliest, today);
            }
        }

        foreach (var member in members)
        {
            // The partner who outlived the other was widowed; a deceased record keeps the status it had at death.
            if (member.Spouse is { } spouse && spouse.DateOfDeath is { } spouseDied && (member.DateOfDeath is not { } died || died > spouseDied))
            {
                member.MaritalStatus = MaritalStatus.Widowed;
            }
        }
    }

    private static void Name(SeededRandom random, List<Person> members)
    {
        var head = members[0];
        string? absentFatherFamily = null;
        // Fathers before their children: the head's parents, the head, then everyone else.
        foreach (var person in members.Where(m => m.Relationship == HouseholdRelationship.Parent).Concat(members.Where(m => m.Relationship != HouseholdRelationship.Parent)))
        {
            var region = person.BirthProvince.Region;
            person.FamilyName = person.Father?.FamilyName
                ?? person.Relationship switch
                {
                    HouseholdRelationship.Parent when person.Sex == Sex.Male => FreshFamilyName(random, person.Ethnicity, region),
                    HouseholdRelationship.Sibling => head.FamilyName,
                    HouseholdRelationship.Child => absentFatherFamily ??= FreshFamilyName(random, person.Ethnicity, region),
                    HouseholdRelationship.Other when person.Spouse is null && random.Chance(0.4) => head.FamilyName,
                    _ => FreshFamilyName(random, person.Ethnicity, region),
                };
            var middle = Names.MiddleName(random, person.Sex, person.DateOfBirth.Year);
            person.FullName = $"{person.FamilyName} {middle} {Names.GivenName(random, person.Sex, middle)}";
            person.Hometown = person.Father?.Hometown
                ?? (person.Relationship == HouseholdRelationship.Sibling ? head.Hometown : null)
                ?? (person.Mother is { } mother && random.Chance(0.5) ? mother.Hometown : null)
                ?? Places.Hometown(random, random.Chance(0.75) ? person.BirthProvince : Demography.Population.Pick(random));
        }
    }

    private static string FreshFamilyName(SeededRandom random, Ethnicity ethnicity, Region region) =>
        ethnicity.IsKinh || random.Chance(0.3) ? Names.FamilyName(random, region) : random.Pick(ethnicity.FamilyNames);

    private static string HouseholdReligion(SeededRandom random, Ethnicity ethnicity) => ethnicity.Name switch
    {
        "Khmer" => random.Chance(0.85) ? Attributes.Buddhism : Attributes.NoReligion,
        "Hoa" => random.Chance(0.35) ? Attributes.Buddhism : Attributes.NoReligion,
        _ => Attributes.Religions.Pick(random),
    };

    private SyntheticCitizen Materialize(SeededRandom random, Person person, Person head, Province residence, string permanent, string religion)
    {
        var reference = person.ReferenceDate(today);
        var age = person.AgeOn(reference);
        string? temporary = null;
        if (person.IsAlive && age is >= 18 and <= 40 && random.Chance(0.08))
        {
            temporary = Places.Address(random, Demography.Migration.Pick(random));
        }

        var representative = age < 18 && person.IsAlive
            ? new[] { person.Father, person.Mother, head }.FirstOrDefault(p => p is { IsAlive: true } && p != person && p.AgeOn(today) >= 18)
            : null;
        var socialInsurance = random.Chance(0.95) ? numbers.SocialInsurance(residence.Code) : null;
        var otherNames = random.Chance(0.007)
            ? $"{person.FamilyName} {Names.MiddleName(random, person.Sex, person.DateOfBirth.Year)} {Names.GivenName(random, person.Sex, "")}"
            : null;

        return new SyntheticCitizen
        {
            Id = person.Id,
            FullName = person.FullName,
            OtherNames = otherNames == person.FullName ? null : otherNames,
            DateOfBirth = person.DateOfBirth,
            Sex = person.Sex,
            PlaceOfBirth = person.BirthProvince.Code,
            Hometown = person.Hometown,
            Ethnicity = person.Ethnicity.Name,
            Religion = random.Chance(0.93) ? religion : Attributes.NoReligion,
            Nationality = "VN",
            BloodType = Attributes.BloodTypes.Pick(random),
            PermanentResidence = permanent,
            ResidenceProvince = residence.Code,
            CurrentResidence = temporary ?? permanent,
            TemporaryResidence = temporary,
            MaritalStatus = person.MaritalStatus,
            FatherId = person.Father?.Id,
            FatherName = person.Father?.FullName,
            MotherId = person.Mother?.Id,
            MotherName = person.Mother?.FullName,
            SpouseId = person.Spouse?.Id,
            SpouseName = person.Spouse?.FullName,
            LegalRepresentativeId = representative?.Id,
            LegalRepresentativeName = representative?.FullName,
            HeadOfHouseholdId = head.Id,
            RelationshipToHead = person.Relationship,
            DateOfDeath = person.DateOfDeath,
            EIdLevel = Demography.EIdLevelFor(random, age),
            SocialInsuranceNumber = socialInsurance,
            HealthInsuranceNumber = socialInsurance is not null && random.Chance(0.97) ? DocumentIssuer.HealthInsurance(random, age, residence, socialInsurance) : null,
            TaxCode = age >= 18 && random.Chance(age <= 65 ? 0.65 : 0.25) ? numbers.TaxCode() : null,
            DrivingLicences = age is >= 18 and <= 75 ? _documents.DrivingLicences(random, residence) : [],
            VehicleRegistrations = age is >= 18 and <= 80 ? DocumentIssuer.VehicleRegistrations(random, residence) : [],
            Card = _documents.Card(random, person.DateOfBirth, reference),
        };
    }

    private DateOnly BirthDateAtAge(SeededRandom random, int age)
    {
        // Born after the day exactly age+1 years ago and no later than exactly age years ago: that old today.
        var first = today.AddYears(-age - 1).AddDays(1);
        var last = today.AddYears(-age);
        return Dates.Clamp(random.DateBetween(first, last), PopulationGenerator.EarliestBirth, _latestBirth);
    }

    private static Sex Opposite(Sex sex) => sex == Sex.Male ? Sex.Female : Sex.Male;
}
